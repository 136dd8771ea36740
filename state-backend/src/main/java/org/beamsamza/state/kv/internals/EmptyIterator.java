package org.beamsamza.state.kv.internals;

import java.util.NoSuchElementException;
import org.beamsamza.state.kv.Entry;
import org.beamsamza.state.kv.KeyValueIterator;

/** The iterator over nothing, for ranges that are empty before any store is asked. */
final class EmptyIterator implements KeyValueIterator {
  static final EmptyIterator INSTANCE = new EmptyIterator();

  private EmptyIterator() {}

  @Override
  public boolean hasNext() {
    return false;
  }

  @Override
  public Entry next() {
    throw new NoSuchElementException();
  }

  @Override
  public void close() {}
}
