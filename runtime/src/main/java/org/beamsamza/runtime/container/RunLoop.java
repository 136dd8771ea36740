package org.beamsamza.runtime.container;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.beamsamza.runtime.checkpoint.CheckpointManager;
import org.beamsamza.runtime.system.CheckpointListener;
import org.beamsamza.runtime.system.IncomingMessageEnvelope;
import org.beamsamza.runtime.system.QuiescenceListener;
import org.beamsamza.runtime.system.SystemConsumer;
import org.beamsamza.runtime.system.SystemStreamPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * The single-threaded loop of a container: poll, choose, process, and on timer ticks window and
 * commit.
 *
 * <p>Cost per message is a chooser offer/choice, one hash lookup, the process call and a few field
 * writes. Time is not read per message: a shared ticker thread raises a volatile flag a few times
 * per window/commit period and the loop reads the clock only then, or when idle. Consumers are
 * polled without waiting every {@value #FETCH_EVERY} messages (so new data on quiet partitions
 * joins the round robin) and with a short wait only when nothing is buffered.
 */
final class RunLoop {
  private static final Logger LOG = LoggerFactory.getLogger(RunLoop.class);
  static final int FETCH_EVERY = 1024;
  private static final long IDLE_WAIT_NANOS = TimeUnit.MILLISECONDS.toNanos(10);
  private static final ScheduledThreadPoolExecutor TICKER = newTicker();

  private final String containerId;
  private final TaskInstance[] tasks;
  private final Map<SystemStreamPartition, InputPartition> inputs;
  private final PolledSystem[] polled;
  private final MessageChooser chooser;
  private final ContainerSystems systems;
  private final CheckpointManager checkpoints;
  private final Map<String, List<InputPartition>> trimmable;
  private final long windowNanos;
  private final long commitNanos;
  private final ContainerMetrics metrics;
  private final QuiescenceListener[] quiescenceListeners;

  private volatile boolean attention;
  private volatile boolean stopRequested;
  private volatile Thread loopThread;

  private boolean commitRequested;
  private int unfinished;
  private long processed;
  private long nextWindow;
  private long nextCommit;

  /** The task named in the logging context. */
  private TaskInstance mdcTask;

  /** The listeners had nothing to release; set back when a message is processed. */
  private boolean quiescenceDeclined;

  RunLoop(
      String containerId,
      List<TaskInstance> tasks,
      Map<SystemStreamPartition, InputPartition> inputs,
      Set<SystemStreamPartition> trimmablePartitions,
      MessageChooser chooser,
      ContainerSystems systems,
      CheckpointManager checkpoints,
      long windowMs,
      long commitMs,
      ContainerMetrics metrics) {
    this.containerId = containerId;
    this.tasks = tasks.toArray(new TaskInstance[0]);
    this.inputs = inputs;
    this.chooser = chooser;
    this.systems = systems;
    this.checkpoints = checkpoints;
    this.windowNanos = windowMs > 0 ? TimeUnit.MILLISECONDS.toNanos(windowMs) : 0;
    this.commitNanos = commitMs > 0 ? TimeUnit.MILLISECONDS.toNanos(commitMs) : 0;
    this.metrics = metrics;
    this.unfinished = this.tasks.length;
    for (TaskInstance t : this.tasks) {
      t.loop = this;
    }
    Map<String, List<InputPartition>> bySystem = new LinkedHashMap<>();
    Map<String, List<InputPartition>> trim = new LinkedHashMap<>();
    for (InputPartition p : inputs.values()) {
      bySystem.computeIfAbsent(p.ssp.getSystem(), s -> new ArrayList<>()).add(p);
      if (trimmablePartitions.contains(p.ssp)) {
        trim.computeIfAbsent(p.ssp.getSystem(), s -> new ArrayList<>()).add(p);
      }
    }
    this.trimmable = trim;
    this.polled =
        bySystem.entrySet().stream()
            .map(e -> new PolledSystem(e.getKey(), systems.consumer(e.getKey()), e.getValue()))
            .toArray(PolledSystem[]::new);
    this.quiescenceListeners =
        java.util.Arrays.stream(polled)
            .map(s -> s.consumer)
            .filter(c -> c instanceof QuiescenceListener)
            .map(c -> (QuiescenceListener) c)
            .toArray(QuiescenceListener[]::new);
  }

  /**
   * Runs until every task finished (returns true; the caller then does the final commit) or until
   * {@link #requestStop} (returns false, without committing, so that uncommitted work is replayed).
   */
  boolean run() throws InterruptedException {
    loopThread = Thread.currentThread();
    long now = System.nanoTime();
    nextWindow = now + windowNanos;
    nextCommit = now + commitNanos;
    ScheduledFuture<?> ticks = scheduleTicks();
    try {
      int sinceFetch = 0;
      while (unfinished > 0) {
        if (attention) {
          attention = false;
          if (stopRequested) {
            return false;
          }
          checkTimers(System.nanoTime());
          continue;
        }
        if (commitRequested) {
          commit();
          continue;
        }
        IncomingMessageEnvelope envelope = chooser.choose();
        if (envelope == null) {
          idle();
          sinceFetch = 0;
          continue;
        }
        InputPartition p = inputs.get(envelope.getSystemStreamPartition());
        if (p == null) {
          throw new IllegalStateException(
              "The chooser returned an envelope of an unknown partition: " + envelope);
        }
        deliver(p, envelope);
        feed(p);
        if (++sinceFetch >= FETCH_EVERY) {
          sinceFetch = 0;
          fetch(0);
        }
      }
      return !stopRequested;
    } finally {
      if (ticks != null) {
        ticks.cancel(false);
      }
      loopThread = null;
    }
  }

  void requestStop() {
    stopRequested = true;
    attention = true;
    Thread t = loopThread;
    if (t != null) {
      LockSupport.unpark(t);
    }
  }

  void requestCommit() {
    commitRequested = true;
  }

  void finish(TaskInstance t) {
    if (t.finished) {
      return;
    }
    t.finished = true;
    t.publishMetrics();
    unfinished--;
    for (InputPartition.Reader r : t.readers) {
      r.partition.refreshActive();
    }
  }

  void finishAll() {
    for (TaskInstance t : tasks) {
      finish(t);
    }
  }

  /**
   * Hands every partition's first polled envelope to the chooser (and handles empty bounded
   * inputs).
   */
  void start() throws InterruptedException {
    for (InputPartition p : inputs.values()) {
      chooser.register(p.ssp);
    }
    fetch(0);
    refreshNewestOffsets();
  }

  private void deliver(InputPartition p, IncomingMessageEnvelope envelope) {
    for (InputPartition.Reader r : p.readers) {
      TaskInstance t = r.task;
      if (t.finished) {
        continue;
      }
      if (r.skipBefore != null) {
        if (p.offsetOrder.compare(envelope.getOffset(), r.skipBefore) < 0) {
          continue;
        }
        r.skipBefore = null;
      }
      if (t != mdcTask) {
        enter(t);
      }
      try {
        if (processed % ContainerMetrics.PROCESS_SAMPLE == 0) {
          long start = System.nanoTime();
          t.task.process(envelope, systems, t);
          metrics.processNs.update(System.nanoTime() - start);
        } else {
          t.task.process(envelope, systems, t);
        }
      } catch (Throwable e) {
        throw taskFailure(t, "process(" + envelope + ")", e);
      }
      r.lastOffset = envelope.getOffset();
      t.offsetsChanged = true;
      quiescenceDeclined = false;
      metrics.setMessagesProcessed(++processed);
      t.processed++;
    }
  }

  /**
   * Offers the partition's next buffered envelope, if any. Its previous one must have been chosen.
   */
  private void feed(InputPartition p) {
    p.inChooser = false;
    List<IncomingMessageEnvelope> batch = p.batch;
    if (batch == null) {
      return;
    }
    IncomingMessageEnvelope next = batch.get(p.pos++);
    if (p.pos == batch.size()) {
      p.batch = null;
    }
    if (next.isEndOfStream()) {
      endOfStream(p);
    } else if (p.active) {
      chooser.update(next);
      p.inChooser = true;
    }
  }

  private void endOfStream(InputPartition p) {
    p.ended = true;
    chooser.onEndOfStream(p.ssp);
    p.refreshActive();
    for (InputPartition.Reader r : p.readers) {
      TaskInstance t = r.task;
      if (++t.endedInputs < t.readers.size() || t.finished) {
        continue;
      }
      if (t.endOfStreamListener == null) {
        finish(t); // nothing can reach it any more
        continue;
      }
      enter(t);
      try {
        t.endOfStreamListener.onEndOfStream(systems, t);
      } catch (Throwable e) {
        throw taskFailure(t, "onEndOfStream()", e);
      }
    }
  }

  /** Polls partitions with nothing buffered; returns true if anything arrived. */
  private boolean fetch(long timeoutMs) throws InterruptedException {
    boolean got = false;
    for (PolledSystem s : polled) {
      Set<SystemStreamPartition> wanted = s.wanted();
      if (wanted == null) {
        continue;
      }
      Map<SystemStreamPartition, List<IncomingMessageEnvelope>> batches;
      try {
        batches = s.consumer.poll(wanted, timeoutMs);
      } catch (InterruptedException e) {
        throw e;
      } catch (Throwable e) {
        throw new ContainerException(
            containerId,
            null,
            "Container " + containerId + ": polling system " + s.system + " failed: " + e,
            e);
      }
      for (Map.Entry<SystemStreamPartition, List<IncomingMessageEnvelope>> e : batches.entrySet()) {
        List<IncomingMessageEnvelope> batch = e.getValue();
        InputPartition p = inputs.get(e.getKey());
        if (batch == null || batch.isEmpty() || p == null || !p.active) {
          continue;
        }
        if (p.batch == null) {
          p.batch = batch;
        } else {
          List<IncomingMessageEnvelope> merged =
              new ArrayList<>(p.batch.subList(p.pos, p.batch.size()));
          merged.addAll(batch);
          p.batch = merged;
        }
        p.pos = 0;
        got = true;
        if (!p.inChooser) {
          feed(p);
        }
      }
    }
    return got;
  }

  /** Nothing buffered: run due timers, then wait briefly for data (never past the next timer). */
  private void idle() throws InterruptedException {
    if (fetch(0)) {
      return;
    }
    if (quiescenceListeners.length > 0 && !quiescenceDeclined && unfinished > 0 && quiesce()) {
      return;
    }
    long now = System.nanoTime();
    checkTimers(now);
    if (unfinished == 0 || commitRequested || attention) {
      return;
    }
    long wait = Math.min(IDLE_WAIT_NANOS, nextDeadline(now) - now);
    if (wait <= 0) {
      return;
    }
    int pollable = 0;
    for (PolledSystem s : polled) {
      pollable += s.hasWanted() ? 1 : 0;
    }
    if (pollable == 0) {
      LockSupport.parkNanos(this, wait);
      if (Thread.interrupted()) {
        throw new InterruptedException();
      }
      return;
    }
    long perSystemMs = Math.max(1, TimeUnit.NANOSECONDS.toMillis(wait / pollable));
    fetch(perSystemMs);
  }

  /**
   * Called with nothing buffered and nothing polled: makes sure the container is quiescent, then
   * lets the {@link QuiescenceListener}s release more work. A window tick fires the processing-time
   * timers due now and finishes bundles; a commit has every task flush what it holds; whatever that
   * produced for tasks of this container is polled. Only when that is nothing are the listeners
   * called. Returns true if anything arrived or was released.
   */
  private boolean quiesce() throws InterruptedException {
    window();
    commit();
    if (fetch(0) || unfinished == 0) {
      return true;
    }
    boolean released = false;
    for (QuiescenceListener listener : quiescenceListeners) {
      try {
        released |= listener.onQuiescent();
      } catch (RuntimeException | Error e) {
        throw new ContainerException(
            containerId,
            null,
            "Container " + containerId + ": releasing input after quiescence failed: " + e,
            e);
      }
    }
    quiescenceDeclined = !released;
    return released;
  }

  private long nextDeadline(long now) {
    long d = now + IDLE_WAIT_NANOS;
    if (windowNanos > 0 && nextWindow - d < 0) {
      d = nextWindow;
    }
    if (commitNanos > 0 && nextCommit - d < 0) {
      d = nextCommit;
    }
    return d;
  }

  private void checkTimers(long now) {
    if (windowNanos > 0 && now - nextWindow >= 0) {
      window();
      nextWindow += windowNanos;
      if (now - nextWindow >= 0) {
        nextWindow = now + windowNanos; // fell behind: do not fire a burst to catch up
      }
    }
    if (commitNanos > 0 && now - nextCommit >= 0) {
      commit();
    }
  }

  private void window() {
    long start = System.nanoTime();
    refreshNewestOffsets();
    for (TaskInstance t : tasks) {
      t.publishMetrics();
    }
    long calls = 0;
    for (TaskInstance t : tasks) {
      if (t.finished || t.windowable == null) {
        continue;
      }
      enter(t);
      try {
        t.windowable.window(systems, t);
      } catch (Throwable e) {
        throw taskFailure(t, "window()", e);
      }
      calls++;
    }
    metrics.addWindowCalls(calls);
    metrics.windowNs.update(System.nanoTime() - start);
  }

  /** Asks each consumer for its partitions' newest offsets, which the lag metrics read. */
  void refreshNewestOffsets() {
    for (PolledSystem s : polled) {
      for (InputPartition p : s.partitions) {
        if (p.ended) {
          continue;
        }
        try {
          p.newestOffset = s.consumer.newestOffset(p.ssp);
        } catch (RuntimeException e) {
          p.newestOffset = null; // metrics only: never fail the job for them
        }
      }
    }
  }

  /**
   * Commits every task: prepareCommit (all tasks, finished ones too, so output a task buffered
   * before it asked to stop is still emitted), flush stores (their changelog records go to the
   * producers), flush producers, write checkpoints of tasks whose offsets moved, then trim
   * single-reader partitions up to what was committed.
   */
  void commit() {
    long start = System.nanoTime();
    for (TaskInstance t : tasks) {
      if (t.preCommit != null) {
        enter(t);
        try {
          t.preCommit.prepareCommit(systems, t);
        } catch (Throwable e) {
          throw taskFailure(t, "prepareCommit()", e);
        }
      }
    }
    commitRequested = false; // requests made while preparing are covered by this commit
    for (TaskInstance t : tasks) {
      try {
        t.stores.flush(); // state changes reach the changelog producers before they are flushed
      } catch (Throwable e) {
        throw new ContainerException(
            containerId,
            t.name,
            "Container "
                + containerId
                + ": flushing the stores of task "
                + t.name
                + " failed: "
                + e,
            e);
      }
    }
    try {
      long flushStart = System.nanoTime();
      systems.flush();
      metrics.flushNs.update(System.nanoTime() - flushStart);
    } catch (Throwable e) {
      throw new ContainerException(
          containerId,
          null,
          "Container " + containerId + ": flushing producers before commit failed: " + e,
          e);
    }
    for (TaskInstance t : tasks) {
      if (!t.offsetsChanged) {
        continue;
      }
      try {
        checkpoints.writeCheckpoint(t.name, t.checkpoint());
      } catch (Throwable e) {
        throw new ContainerException(
            containerId,
            t.name,
            "Container "
                + containerId
                + ": writing the checkpoint of task "
                + t.name
                + " failed: "
                + e,
            e);
      }
      t.offsetsChanged = false;
    }
    for (TaskInstance t : tasks) {
      if (t.commitListener != null) {
        enter(t);
        try {
          t.commitListener.onCommitted();
        } catch (Throwable e) {
          throw taskFailure(t, "onCommitted()", e);
        }
      }
    }
    notifyCheckpointListeners();
    trim();
    metrics.incCommits();
    for (TaskInstance t : tasks) {
      t.publishMetrics();
    }
    long end = System.nanoTime();
    metrics.commitNs.update(end - start);
    nextCommit = end + commitNanos;
  }

  /**
   * Tells consumers that listen which offsets the commit just made durable (each partition's offset
   * processed by all its readers, as checkpointed above), so sources can finalize what they kept
   * for replay.
   */
  private void notifyCheckpointListeners() {
    for (PolledSystem s : polled) {
      if (!(s.consumer instanceof CheckpointListener listener)) {
        continue;
      }
      Map<SystemStreamPartition, String> committed = null;
      for (InputPartition p : s.partitions) {
        String offset = p.committedByAll();
        if (offset == null || offset.equals(p.lastNotified)) {
          continue;
        }
        if (committed == null) {
          committed = new HashMap<>();
        }
        committed.put(p.ssp, offset);
        p.lastNotified = offset;
      }
      if (committed != null) {
        try {
          listener.onCheckpoint(committed);
        } catch (Throwable e) {
          throw new ContainerException(
              containerId,
              null,
              "Container "
                  + containerId
                  + ": system "
                  + s.system
                  + " failed in onCheckpoint("
                  + committed
                  + "): "
                  + e,
              e);
        }
      }
    }
  }

  private void trim() {
    for (Map.Entry<String, List<InputPartition>> e : trimmable.entrySet()) {
      Map<SystemStreamPartition, String> upTo = null;
      for (InputPartition p : e.getValue()) {
        String offset = p.committedByAll();
        if (offset == null || offset.equals(p.lastTrimmed)) {
          continue;
        }
        if (upTo == null) {
          upTo = new HashMap<>();
        }
        upTo.put(p.ssp, offset);
        p.lastTrimmed = offset;
      }
      if (upTo != null) {
        try {
          systems.admin(e.getKey()).deleteMessages(upTo);
        } catch (RuntimeException ex) {
          // Housekeeping only: the data stays, nothing is lost.
          LOG.warn(
              "Container {}: deleting committed messages of {} failed",
              containerId,
              upTo.keySet(),
              ex);
        }
      }
    }
  }

  /**
   * Names the task in the logging context (SLF4J MDC key {@value #MDC_TASK}) for what it logs, and
   * as the sender the collector counts; set only when the task changes, so a run of one task's
   * messages costs a reference compare.
   */
  private void enter(TaskInstance t) {
    MDC.put(MDC_TASK, t.name.getName());
    mdcTask = t;
    systems.sender = t;
  }

  static final String MDC_TASK = "task";

  private ContainerException taskFailure(TaskInstance t, String call, Throwable e) {
    return new ContainerException(
        containerId,
        t.name,
        "Task " + t.name + " failed in " + call + " in container " + containerId + ": " + e,
        e);
  }

  private ScheduledFuture<?> scheduleTicks() {
    long period = Long.MAX_VALUE;
    if (windowNanos > 0) {
      period = windowNanos;
    }
    if (commitNanos > 0) {
      period = Math.min(period, commitNanos);
    }
    if (period == Long.MAX_VALUE) {
      return null;
    }
    // A tenth of the shortest period keeps timers within 10% of schedule even under load.
    long tickMs = Math.max(1, Math.min(100, TimeUnit.NANOSECONDS.toMillis(period) / 10));
    return TICKER.scheduleAtFixedRate(
        () -> attention = true, tickMs, tickMs, TimeUnit.MILLISECONDS);
  }

  private static ScheduledThreadPoolExecutor newTicker() {
    ScheduledThreadPoolExecutor ticker =
        new ScheduledThreadPoolExecutor(
            1,
            r -> {
              Thread t = Executors.defaultThreadFactory().newThread(r);
              t.setName("container-ticker");
              t.setDaemon(true);
              return t;
            });
    ticker.setRemoveOnCancelPolicy(true);
    return ticker;
  }

  /** The partitions of one system and its consumer. */
  private static final class PolledSystem {
    final String system;
    final SystemConsumer consumer;
    final InputPartition[] partitions;

    PolledSystem(String system, SystemConsumer consumer, List<InputPartition> partitions) {
      this.system = system;
      this.consumer = consumer;
      this.partitions = partitions.toArray(new InputPartition[0]);
    }

    /** Active partitions with nothing buffered, or null if none. */
    Set<SystemStreamPartition> wanted() {
      Set<SystemStreamPartition> wanted = null;
      for (InputPartition p : partitions) {
        if (p.active && p.batch == null) {
          if (wanted == null) {
            wanted = new HashSet<>();
          }
          wanted.add(p.ssp);
        }
      }
      return wanted;
    }

    boolean hasWanted() {
      for (InputPartition p : partitions) {
        if (p.active && p.batch == null) {
          return true;
        }
      }
      return false;
    }
  }
}
