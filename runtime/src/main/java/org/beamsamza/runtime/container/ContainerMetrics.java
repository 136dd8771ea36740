package org.beamsamza.runtime.container;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import org.beamsamza.runtime.storage.StoreRestoreStats;

/**
 * Counters of one container, readable from any thread while it runs. The run loop publishes them
 * with ordered (lazy) writes, so counting costs no memory fence per message.
 */
public final class ContainerMetrics {
  private final AtomicLong messagesProcessed = new AtomicLong();
  private final AtomicLong messagesSent = new AtomicLong();
  private final AtomicLong commits = new AtomicLong();
  private final AtomicLong windowCalls = new AtomicLong();
  private final List<StoreRestoreStats> storeRestores = new CopyOnWriteArrayList<>();

  /** Calls to {@code process}, i.e. envelopes times the tasks they were delivered to. */
  public long getMessagesProcessed() {
    return messagesProcessed.get();
  }

  /** Messages tasks sent through the container's collector. */
  public long getMessagesSent() {
    return messagesSent.get();
  }

  public long getCommits() {
    return commits.get();
  }

  /** Calls to {@code window}, counted per task. */
  public long getWindowCalls() {
    return windowCalls.get();
  }

  /** One entry per logged store opened by this container, in opening order. */
  public List<StoreRestoreStats> getStoreRestores() {
    return List.copyOf(storeRestores);
  }

  void addStoreRestore(StoreRestoreStats stats) {
    storeRestores.add(stats);
  }

  void setMessagesProcessed(long n) {
    messagesProcessed.lazySet(n);
  }

  void setMessagesSent(long n) {
    messagesSent.lazySet(n);
  }

  void incCommits() {
    commits.lazySet(commits.get() + 1);
  }

  void addWindowCalls(long n) {
    windowCalls.lazySet(windowCalls.get() + n);
  }

  @Override
  public String toString() {
    return "ContainerMetrics{processed="
        + getMessagesProcessed()
        + ", sent="
        + getMessagesSent()
        + ", commits="
        + getCommits()
        + ", windowCalls="
        + getWindowCalls()
        + "}";
  }
}
