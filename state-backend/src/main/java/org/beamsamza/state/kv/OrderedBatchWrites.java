package org.beamsamza.state.kv;

import java.util.List;

/**
 * A store that can apply a mixed batch of puts and deletes in list order in one write, which is
 * what a changelog replay is: {@link ChangelogRestorer} then hands it records as they come instead
 * of sorting and de-duplicating each batch into separate put and delete batches.
 */
public interface OrderedBatchWrites {

  /**
   * Applies every entry in list order, as one batch where the store can: a {@code null} value
   * deletes the key, and a later entry for the same key wins.
   */
  void writeInOrder(List<Entry> entries);
}
