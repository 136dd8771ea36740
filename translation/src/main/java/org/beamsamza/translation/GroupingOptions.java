package org.beamsamza.translation;

import org.apache.beam.sdk.options.Default;
import org.apache.beam.sdk.options.Description;
import org.apache.beam.sdk.options.PipelineOptions;

/** How keyed groupings run; {@code SamzaPipelineOptions} extends this. */
public interface GroupingOptions extends PipelineOptions {

  @Description(
      "Run GroupByKey, Combine and stateful ParDo (without side inputs) over bounded input by"
          + " sorting each task's elements by key in its store and running each key once at the"
          + " end of input (as batch runners do; triggers see each key's input arrive at once, a"
          + " stateful DoFn's timers fire after its key's elements). false: the streaming path,"
          + " state updated per element.")
  @Default.Boolean(true)
  boolean getSortedBatchGrouping();

  void setSortedBatchGrouping(boolean value);

  @Description(
      "With --sortedBatchGrouping, a key with more elements than this keeps its grouping or DoFn"
          + " state in the store rather than on the heap.")
  @Default.Integer(10_000)
  int getSortedGroupingHeapElements();

  void setSortedGroupingHeapElements(int value);
}
