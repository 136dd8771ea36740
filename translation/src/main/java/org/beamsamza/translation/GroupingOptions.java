package org.beamsamza.translation;

import org.apache.beam.sdk.options.Default;
import org.apache.beam.sdk.options.Description;
import org.apache.beam.sdk.options.PipelineOptions;

/** How keyed groupings run; {@code SamzaPipelineOptions} extends this. */
public interface GroupingOptions extends PipelineOptions {

  @Description(
      "Run GroupByKey and Combine over bounded input by sorting each task's elements by key in"
          + " its store and grouping each key once at the end of input (as batch runners do;"
          + " triggers see each key's input arrive at once). false: the streaming path, state per"
          + " window updated per element.")
  @Default.Boolean(true)
  boolean getSortedBatchGrouping();

  void setSortedBatchGrouping(boolean value);

  @Description(
      "With --sortedBatchGrouping, also run a stateful ParDo (without side inputs) over bounded"
          + " input sorted: each key once at the end of input, its state and timers on the heap,"
          + " its timers fired after its elements. Off by default: for a few keys whose state stays"
          + " in the store's cache it is slower than the streaming path (the log costs a store"
          + " write and read per element), and a key's state must fit on the heap.")
  @Default.Boolean(false)
  boolean getSortedStatefulParDo();

  void setSortedStatefulParDo(boolean value);

  @Description(
      "With --sortedBatchGrouping, a key with more elements than this keeps its grouping state"
          + " (or, with --sortedStatefulParDo, its DoFn state) in the store rather than on the"
          + " heap.")
  @Default.Integer(10_000)
  int getSortedGroupingHeapElements();

  void setSortedGroupingHeapElements(int value);
}
