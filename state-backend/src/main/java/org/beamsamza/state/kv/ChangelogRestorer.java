package org.beamsamza.state.kv;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Replays a changelog into a store when a task starts (DESIGN decision 5), in write batches rather
 * than one write per record, since restore time is dominated by per-write overhead. Records are
 * {@link Entry entries} whose {@code null} value is a tombstone. Within a batch the last record of
 * a key wins, so a put followed by a delete of the same key restores as a delete.
 *
 * <p>Restore into the bottom store (not through a logged decorator), or the changelog would be
 * written back to itself.
 */
public final class ChangelogRestorer {

  /**
   * Default batch size: large enough to amortize a RocksDB write batch, small enough for memory.
   */
  public static final int DEFAULT_BATCH_SIZE = 10_000;

  private final int batchSize;

  public ChangelogRestorer() {
    this(DEFAULT_BATCH_SIZE);
  }

  public ChangelogRestorer(int batchSize) {
    if (batchSize < 1) {
      throw new IllegalArgumentException("batchSize must be >= 1: " + batchSize);
    }
    this.batchSize = batchSize;
  }

  /**
   * Replays every record of {@code records} into {@code store}; returns the number of records read.
   * A store that implements {@link OrderedBatchWrites} gets the records in order, {@code batchSize}
   * per write; any other store gets each batch de-duplicated into one putAll and one deleteAll.
   */
  public long restore(Iterator<Entry> records, KeyValueStore store) {
    if (store instanceof OrderedBatchWrites ordered) {
      return restoreInOrder(records, ordered);
    }
    long count = 0;
    Map<byte[], byte[]> batch = new TreeMap<>(Bytes.ORDER);
    int pending = 0;
    while (records.hasNext()) {
      Entry r = records.next();
      // TreeMap.put keeps the existing key object; values (null = tombstone) are last-write-wins.
      batch.put(r.key(), r.value());
      count++;
      if (++pending >= batchSize) {
        writeBatch(batch, store);
        pending = 0;
      }
    }
    writeBatch(batch, store);
    return count;
  }

  private long restoreInOrder(Iterator<Entry> records, OrderedBatchWrites store) {
    long count = 0;
    List<Entry> batch = new ArrayList<>(batchSize);
    while (records.hasNext()) {
      batch.add(records.next());
      count++;
      if (batch.size() >= batchSize) {
        store.writeInOrder(batch);
        batch.clear();
      }
    }
    if (!batch.isEmpty()) {
      store.writeInOrder(batch);
    }
    return count;
  }

  private static void writeBatch(Map<byte[], byte[]> batch, KeyValueStore store) {
    if (batch.isEmpty()) {
      return;
    }
    List<Entry> puts = new ArrayList<>(batch.size());
    List<byte[]> deletes = new ArrayList<>();
    for (Map.Entry<byte[], byte[]> e : batch.entrySet()) {
      if (e.getValue() == null) {
        deletes.add(e.getKey());
      } else {
        puts.add(new Entry(e.getKey(), e.getValue()));
      }
    }
    // Keys are distinct within a batch, so the order of the two calls does not matter.
    if (!puts.isEmpty()) {
      store.putAll(puts);
    }
    if (!deletes.isEmpty()) {
      store.deleteAll(deletes);
    }
    batch.clear();
  }
}
