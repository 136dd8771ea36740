package org.beamsamza.state.kv;

/**
 * Where a logged store sends its writes: in production a producer to the task's compacted changelog
 * partition, in tests a list. An interface here so that the state backend does not depend on the
 * runtime's producer types.
 */
public interface ChangelogWriter {

  /** Records {@code key -> value}; {@code value == null} is a tombstone (a delete). */
  void write(byte[] key, byte[] valueOrNullForTombstone);

  /** Makes every earlier write durable in the changelog (e.g. waits for producer acks). */
  void flush();
}
