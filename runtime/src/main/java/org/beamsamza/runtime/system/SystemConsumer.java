package org.beamsamza.runtime.system;

import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reads partitions of one system. Used by exactly one container thread: implementations need not be
 * thread safe for calls, but may run their own fetch threads behind {@link #poll}.
 */
public interface SystemConsumer {
  /**
   * Registers a partition before {@link #start}. {@code startingOffset} is the offset of the first
   * message to return; {@code null} means the oldest available.
   */
  void register(SystemStreamPartition ssp, String startingOffset);

  void start();

  /**
   * Returns available messages of the given partitions, in offset order per partition, waiting at
   * most {@code timeoutMs} when none is available (0: do not wait). A bounded partition ends with
   * an {@link IncomingMessageEnvelope#endOfStream end-of-stream} envelope. Partitions with nothing
   * to return may be absent from the map.
   */
  Map<SystemStreamPartition, List<IncomingMessageEnvelope>> poll(
      Set<SystemStreamPartition> ssps, long timeoutMs) throws InterruptedException;

  void stop();
}
