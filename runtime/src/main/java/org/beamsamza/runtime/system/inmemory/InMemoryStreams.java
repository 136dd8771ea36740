package org.beamsamza.runtime.system.inmemory;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import org.beamsamza.runtime.system.IncomingMessageEnvelope;
import org.beamsamza.runtime.system.StreamSpec;
import org.beamsamza.runtime.system.SystemStream;
import org.beamsamza.runtime.system.SystemStreamPartition;

/**
 * The data of the in-memory system: every stream of a job that runs inside one JVM. One instance is
 * shared by all containers of the job (they are threads), and a test can keep it across container
 * restarts to check that a restarted job resumes from its checkpoint.
 *
 * <p>Each partition is an append-only log; an offset is the decimal string of the message's index
 * in its partition, so a consumer can replay from any offset still retained. Intermediate streams
 * can be trimmed ({@link #deleteMessages}) once their readers have checkpointed, which is what
 * keeps a long local job's memory bounded. Streams with {@code cleanup.policy=compact} keep the
 * last message per key (see {@link #compact}), like a Kafka changelog topic.
 *
 * <p>Thread safe. Appends lock only their partition; reads lock nothing.
 */
public final class InMemoryStreams {
  public static final String CLEANUP_POLICY = "cleanup.policy";
  public static final String CLEANUP_POLICY_COMPACT = "compact";

  private final ConcurrentMap<SystemStream, Stream> streams = new ConcurrentHashMap<>();

  /**
   * Creates the stream; returns false if it already exists with the same partition count. Fails if
   * it exists with another partition count, since its readers were planned for the old one.
   */
  public boolean createStream(StreamSpec spec) {
    Objects.requireNonNull(spec, "spec");
    Stream created = new Stream(spec);
    Stream existing = streams.putIfAbsent(spec.getSystemStream(), created);
    if (existing == null) {
      return true;
    }
    if (existing.spec.getPartitionCount() != spec.getPartitionCount()) {
      throw new IllegalArgumentException(
          "Stream "
              + spec.getSystemStream()
              + " already exists with "
              + existing.spec.getPartitionCount()
              + " partitions; asked for "
              + spec.getPartitionCount());
    }
    return false;
  }

  public boolean exists(SystemStream stream) {
    return streams.containsKey(stream);
  }

  public StreamSpec getStreamSpec(SystemStream stream) {
    return stream(stream).spec;
  }

  public int getPartitionCount(SystemStream stream) {
    return stream(stream).partitions.length;
  }

  /** Appends a message to one partition and returns its offset. */
  public long append(SystemStreamPartition ssp, Object key, Object message) {
    return log(ssp.getSystemStream(), ssp.getPartition()).append(key, message);
  }

  /** Appends a message to one partition of a stream and returns its offset. */
  public long append(SystemStream stream, int partition, Object key, Object message) {
    return log(stream, partition).append(key, message);
  }

  /**
   * Marks every partition of the stream finished: consumers get an end-of-stream envelope after its
   * last message, and further appends fail. This is how a bounded input ends.
   */
  public void seal(SystemStream stream) {
    for (PartitionLog log : stream(stream).partitions) {
      log.seal();
    }
  }

  public boolean isSealed(SystemStream stream) {
    return stream(stream).partitions[0].isSealed();
  }

  /** The oldest offset still retained in the partition (0 unless trimmed). */
  public long getOldestOffset(SystemStreamPartition ssp) {
    return log(ssp).start();
  }

  /** The offset the next appended message will get, i.e. the number of messages ever appended. */
  public long getNextOffset(SystemStreamPartition ssp) {
    return log(ssp).size();
  }

  /**
   * Returns up to {@code maxMessages} retained messages from {@code fromOffset} on (fewer if some
   * were compacted away). Fails if {@code fromOffset} was deleted.
   */
  public List<IncomingMessageEnvelope> read(
      SystemStreamPartition ssp, long fromOffset, int maxMessages) {
    PartitionLog log = log(ssp);
    if (fromOffset < 0) {
      throw new IllegalArgumentException("Negative offset " + fromOffset + " for " + ssp);
    }
    long to = Math.min(log.size(), fromOffset + maxMessages);
    List<IncomingMessageEnvelope> out = new ArrayList<>((int) Math.max(0, to - fromOffset));
    log.read(fromOffset, to, out);
    return out;
  }

  /** Every message of the partition from the oldest retained one, in offset order. */
  public List<IncomingMessageEnvelope> readAll(SystemStreamPartition ssp) {
    PartitionLog log = log(ssp);
    long to = log.size();
    List<IncomingMessageEnvelope> out = new ArrayList<>();
    log.read(log.start(), to, out);
    return out;
  }

  /**
   * Deletes messages up to and including {@code upToInclusive} of an intermediate stream, freeing
   * whole chunks; returns false (and keeps everything) for other streams, whose data the job does
   * not own.
   */
  public boolean deleteMessages(SystemStreamPartition ssp, long upToInclusive) {
    return log(ssp).trim(upToInclusive);
  }

  /**
   * Rewrites the retained log of a compacted stream keeping only the last message per key (byte[]
   * keys compare by content; a null message is a tombstone and removes its key). Surviving messages
   * keep their offsets. Compaction also runs by itself as a compacted partition grows.
   */
  public void compact(SystemStreamPartition ssp) {
    log(ssp).compact();
  }

  /**
   * The latest message of every live key of a partition, in offset order: what a changelog restore
   * needs, whether or not the log was compacted yet.
   */
  public List<IncomingMessageEnvelope> readLatestPerKey(SystemStreamPartition ssp) {
    List<IncomingMessageEnvelope> out = new ArrayList<>();
    log(ssp).readLatestPerKey(out);
    return out;
  }

  /** How many chunks of 1024 messages the partition still holds. */
  public int getRetainedChunkCount(SystemStreamPartition ssp) {
    return log(ssp).retainedChunkCount();
  }

  PartitionLog log(SystemStreamPartition ssp) {
    return log(ssp.getSystemStream(), ssp.getPartition());
  }

  PartitionLog log(SystemStream stream, int partition) {
    PartitionLog[] partitions = stream(stream).partitions;
    if (partition < 0 || partition >= partitions.length) {
      throw new IllegalArgumentException(
          "Partition "
              + partition
              + " does not exist: "
              + stream
              + " has "
              + partitions.length
              + " partitions");
    }
    return partitions[partition];
  }

  private Stream stream(SystemStream stream) {
    Stream s = streams.get(stream);
    if (s == null) {
      throw new IllegalArgumentException(
          "Stream " + stream + " does not exist in the in-memory system; create it first");
    }
    return s;
  }

  private static final class Stream {
    final StreamSpec spec;
    final PartitionLog[] partitions;

    Stream(StreamSpec spec) {
      this.spec = spec;
      boolean compacted = CLEANUP_POLICY_COMPACT.equals(spec.getProperties().get(CLEANUP_POLICY));
      partitions = new PartitionLog[spec.getPartitionCount()];
      for (int p = 0; p < partitions.length; p++) {
        partitions[p] =
            new PartitionLog(spec.getSystemStream().partition(p), spec.isIntermediate(), compacted);
      }
    }
  }
}
