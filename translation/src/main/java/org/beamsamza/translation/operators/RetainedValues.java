package org.beamsamza.translation.operators;

import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.WindowedValue;
import org.beamsamza.state.beam.PagedBagRead;

/**
 * Stable copies of elements that an operator keeps after the call that handed them over. A
 * GroupByKey's grouped Iterable reads its values from the store page by page and is only valid
 * until the ReduceFnRunner clears the group, right after the output call returns ({@link
 * PagedBagRead}); an operator that holds an element longer (a lifted combine's accumulators; a
 * ParDo's pushed-back elements are encoded into the store at once instead) copies such Iterables
 * into lists here (or, for accumulators, clones what they keep). The copy costs heap, but only for
 * elements that are actually held. Iterables are found where a GroupByKey puts them: the value
 * itself, or inside {@link KV}s (a GroupByKey's output, keyed again by {@code WithKeys}); one
 * hidden deeper in a user type is not copied and fails loudly if read after its clear.
 */
final class RetainedValues {
  private RetainedValues() {}

  static WindowedValue<Object> stableCopy(WindowedValue<Object> element) {
    Object value = element.getValue();
    Object copy = stableCopy(value);
    return copy == value ? element : element.withValue(copy);
  }

  /** Whether {@code value} is or holds (in KVs) a paged grouped Iterable. */
  static boolean holdsPagedRead(Object value) {
    if (value instanceof PagedBagRead<?>) {
      return true;
    }
    return value instanceof KV<?, ?> kv
        && (holdsPagedRead(kv.getKey()) || holdsPagedRead(kv.getValue()));
  }

  static Object stableCopy(Object value) {
    if (value instanceof PagedBagRead<?> paged) {
      return paged.copy();
    }
    if (value instanceof KV<?, ?> kv) {
      Object key = stableCopy(kv.getKey());
      Object v = stableCopy(kv.getValue());
      return key == kv.getKey() && v == kv.getValue() ? kv : KV.of(key, v);
    }
    return value;
  }
}
