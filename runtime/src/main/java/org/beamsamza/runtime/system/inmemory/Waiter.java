package org.beamsamza.runtime.system.inmemory;

import java.util.concurrent.locks.LockSupport;

/**
 * A consumer thread parked in {@code poll}, woken by appends and seals of the partitions it
 * registered. Appenders only read a volatile field when nobody waits, so waking costs the data
 * plane nothing in the busy case; the consumer publishes {@link #parked} before re-checking for
 * data, so a wake-up cannot be lost.
 */
final class Waiter {
  volatile Thread parked;

  void wake() {
    Thread t = parked;
    if (t != null) {
      LockSupport.unpark(t);
    }
  }
}
