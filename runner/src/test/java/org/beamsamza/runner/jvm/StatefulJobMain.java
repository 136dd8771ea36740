package org.beamsamza.runner.jvm;

import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.coders.KvCoder;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.coders.VarLongCoder;
import org.apache.beam.sdk.options.PipelineOptionsFactory;
import org.apache.beam.sdk.state.StateSpec;
import org.apache.beam.sdk.state.StateSpecs;
import org.apache.beam.sdk.state.ValueState;
import org.apache.beam.sdk.transforms.Create;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.GroupByKey;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.values.KV;
import org.beamsamza.runner.SamzaPipelineOptions;
import org.beamsamza.runner.SamzaRunner;

/**
 * A user's {@code main} run in a child JVM by {@link StoreCleanupJvmTest}: a stateful pipeline on
 * the default RocksDB stores in a temporary directory.
 *
 * <ul>
 *   <li>{@code finish}: GroupByKey over a few thousand keys, {@code waitUntilFinish()}, return from
 *       main (no {@code System.exit}).
 *   <li>{@code block}: a stateful ParDo writes state, prints {@value #BLOCKED} and then sleeps
 *       until the process is signalled.
 * </ul>
 */
public final class StatefulJobMain {
  public static final String BLOCKED = "STATEFUL-JOB-BLOCKED";
  public static final String FINISHED = "STATEFUL-JOB-FINISHED";

  private StatefulJobMain() {}

  static final class WriteStateThenBlock extends DoFn<KV<String, Long>, Long> {
    @StateId("last")
    private final StateSpec<ValueState<Long>> last = StateSpecs.value(VarLongCoder.of());

    @ProcessElement
    public void process(ProcessContext c, @StateId("last") ValueState<Long> state)
        throws InterruptedException {
      state.write(c.element().getValue());
      System.out.println(BLOCKED);
      System.out.flush();
      Thread.sleep(Long.MAX_VALUE);
    }
  }

  public static void main(String[] args) {
    SamzaPipelineOptions options = PipelineOptionsFactory.as(SamzaPipelineOptions.class);
    options.setRunner(SamzaRunner.class);
    options.setParallelism(2);
    Pipeline p = Pipeline.create(options);
    java.util.List<KV<String, Long>> input = new java.util.ArrayList<>();
    for (long i = 0; i < 5_000; i++) {
      input.add(KV.of("k" + (i % 1000), i));
    }
    var kvs =
        p.apply(Create.of(input).withCoder(KvCoder.of(StringUtf8Coder.of(), VarLongCoder.of())));
    if ("block".equals(args[0])) {
      kvs.apply(ParDo.of(new WriteStateThenBlock()));
    } else {
      kvs.apply(GroupByKey.create());
    }
    p.run().waitUntilFinish();
    System.out.println(FINISHED);
  }
}
