package org.beamsamza.state.kv;

import java.util.Iterator;

/**
 * An iterator over store entries in key order that holds resources (for RocksDB a native iterator,
 * read options and bound slices), so it must be closed, preferably with try-with-resources. {@link
 * #close()} does not throw checked exceptions so that it fits that pattern cleanly.
 */
public interface KeyValueIterator extends Iterator<Entry>, AutoCloseable {

  /** Frees the iterator's resources. Idempotent. */
  @Override
  void close();
}
