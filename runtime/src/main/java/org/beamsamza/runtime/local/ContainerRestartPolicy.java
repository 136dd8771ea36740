package org.beamsamza.runtime.local;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * Whether a failed container is restarted, as Samza's cluster manager decides on YARN ({@code
 * cluster-manager.container.retry.count} and {@code cluster-manager.container.retry.window.ms}): a
 * container may be restarted at most {@code retryCount} times within any {@code retryWindow}; the
 * failure after that ends the job. Restarts older than the window are forgotten, so a container
 * that fails now and then runs on, while one that keeps failing gives up.
 *
 * <p>Before each restart the container waits a backoff that doubles with every restart still in the
 * window ({@code backoff}, {@code 2 x backoff}, ... at most {@link #MAX_BACKOFF}): a cause that
 * passes (a broker that is back after an outage) gets time to pass instead of using up every retry
 * in a second.
 *
 * <p>One instance per job, shared by its containers (thread safe); the clock is a parameter so that
 * tests can move time.
 */
public final class ContainerRestartPolicy {
  public static final int DEFAULT_RETRY_COUNT = 8;
  public static final Duration DEFAULT_RETRY_WINDOW = Duration.ofMinutes(5);
  public static final Duration DEFAULT_BACKOFF = Duration.ofSeconds(1);
  public static final Duration MAX_BACKOFF = Duration.ofSeconds(30);

  private final int retryCount;
  private final long windowNanos;
  private final Duration backoff;
  private final String limits;
  private final LongSupplier nanoClock;
  private final Map<String, Deque<Long>> recentRestarts = new HashMap<>();
  private final Map<String, Integer> totalRestarts = new LinkedHashMap<>();

  /**
   * @param limits how the limits were set, for the message of a give-up (e.g. the options that set
   *     them); null for a description of the numbers alone
   * @param nanoClock a monotonic clock in nanoseconds ({@code System::nanoTime})
   */
  public ContainerRestartPolicy(
      int retryCount,
      Duration retryWindow,
      Duration backoff,
      String limits,
      LongSupplier nanoClock) {
    if (retryCount < 0) {
      throw new IllegalArgumentException("retryCount must be 0 or more, was " + retryCount);
    }
    if (retryWindow.isNegative() || retryWindow.isZero()) {
      throw new IllegalArgumentException("retryWindow must be positive, was " + retryWindow);
    }
    if (backoff.isNegative()) {
      throw new IllegalArgumentException("backoff must not be negative, was " + backoff);
    }
    this.retryCount = retryCount;
    this.windowNanos = retryWindow.toNanos();
    this.backoff = backoff;
    this.limits =
        limits != null
            ? limits
            : "at most " + retryCount + " restarts within " + retryWindow.toMillis() + " ms";
    this.nanoClock = Objects.requireNonNull(nanoClock, "nanoClock");
  }

  public ContainerRestartPolicy(int retryCount, Duration retryWindow, Duration backoff) {
    this(retryCount, retryWindow, backoff, null, System::nanoTime);
  }

  /** A policy that restarts nothing: the first failure of a container ends the job. */
  public static ContainerRestartPolicy never() {
    return new ContainerRestartPolicy(
        0, DEFAULT_RETRY_WINDOW, Duration.ZERO, "container restarts are off", System::nanoTime);
  }

  /** Samza's defaults: 8 restarts within 5 minutes, backoff from 1 s. */
  public static ContainerRestartPolicy samzaDefaults() {
    return new ContainerRestartPolicy(DEFAULT_RETRY_COUNT, DEFAULT_RETRY_WINDOW, DEFAULT_BACKOFF);
  }

  public boolean restartsAnything() {
    return retryCount > 0;
  }

  /** What to do now that {@code containerId} failed. */
  public synchronized Decision onFailure(String containerId) {
    long now = nanoClock.getAsLong();
    Deque<Long> recent = recentRestarts.computeIfAbsent(containerId, id -> new ArrayDeque<>());
    while (!recent.isEmpty() && now - recent.peekFirst() >= windowNanos) {
      recent.removeFirst();
    }
    int total = totalRestarts.getOrDefault(containerId, 0);
    if (recent.size() >= retryCount) {
      return new Decision(false, total, recent.size(), Duration.ZERO, limits);
    }
    Duration wait = backoffAfter(recent.size());
    recent.addLast(now);
    totalRestarts.put(containerId, total + 1);
    return new Decision(true, total + 1, recent.size(), wait, limits);
  }

  /** How many times each container was restarted so far (containers never restarted: absent). */
  public synchronized Map<String, Integer> restarts() {
    return Map.copyOf(totalRestarts);
  }

  private Duration backoffAfter(int recentRestarts) {
    long nanos = backoff.toNanos();
    for (int i = 0; i < recentRestarts && nanos < MAX_BACKOFF.toNanos(); i++) {
      nanos *= 2;
    }
    return Duration.ofNanos(Math.min(nanos, Math.max(MAX_BACKOFF.toNanos(), backoff.toNanos())));
  }

  @Override
  public String toString() {
    return limits
        + " (window "
        + TimeUnit.NANOSECONDS.toMillis(windowNanos)
        + " ms, backoff from "
        + backoff.toMillis()
        + " ms)";
  }

  /**
   * The answer to one failure.
   *
   * @param restart whether to restart the container (else the job fails)
   * @param restarts restarts of the container so far, this one included if {@code restart}
   * @param restartsInWindow restarts within the window, this one included if {@code restart}
   * @param backoff how long to wait before the restart
   * @param limits how the limits were set (for messages)
   */
  public record Decision(
      boolean restart, int restarts, int restartsInWindow, Duration backoff, String limits) {}
}
