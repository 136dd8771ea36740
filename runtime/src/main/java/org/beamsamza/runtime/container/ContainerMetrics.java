package org.beamsamza.runtime.container;

import java.util.concurrent.atomic.AtomicLong;

/**
 * Counters of one container, readable from any thread while it runs. The run loop publishes them
 * with ordered (lazy) writes, so counting costs no memory fence per message.
 */
public final class ContainerMetrics {
  private final AtomicLong messagesProcessed = new AtomicLong();
  private final AtomicLong messagesSent = new AtomicLong();
  private final AtomicLong commits = new AtomicLong();
  private final AtomicLong windowCalls = new AtomicLong();

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
    return "ContainerMetrics{processed=" + getMessagesProcessed() + ", sent=" + getMessagesSent()
        + ", commits=" + getCommits() + ", windowCalls=" + getWindowCalls() + "}";
  }
}
