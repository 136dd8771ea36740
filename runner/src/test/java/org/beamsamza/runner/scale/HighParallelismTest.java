package org.beamsamza.runner.scale;

import org.apache.beam.sdk.io.GenerateSequence;
import org.apache.beam.sdk.testing.PAssert;
import org.apache.beam.sdk.testing.TestPipeline;
import org.apache.beam.sdk.transforms.Count;
import org.apache.beam.sdk.transforms.MapElements;
import org.apache.beam.sdk.transforms.Sum;
import org.apache.beam.sdk.transforms.Values;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.TypeDescriptors;
import org.beamsamza.runner.SamzaPipelineOptions;
import org.beamsamza.runner.TestSamzaRunner;
import org.junit.Rule;
import org.junit.Test;

/**
 * A keyed job with far more tasks than cores: every task of the GroupByKey stage has its own
 * RocksDB store, so this proves per-task stores are cheap enough (file descriptors, memory, open
 * time) for thousands of tasks in one JVM.
 */
public class HighParallelismTest {
  private static final int PARALLELISM = Integer.getInteger("highParallelism.tasks", 2000);

  @Rule
  public final transient TestPipeline p =
      TestPipeline.fromOptions(options()).enableAbandonedNodeEnforcement(true);

  private static SamzaPipelineOptions options() {
    SamzaPipelineOptions options =
        org.apache.beam.sdk.options.PipelineOptionsFactory.as(SamzaPipelineOptions.class);
    options.setRunner(TestSamzaRunner.class);
    options.setParallelism(PARALLELISM);
    options.setContainers(2);
    return options;
  }

  @Test
  public void groupByKeyWithThousandsOfTasks() {
    int elements = 10_000;
    int keys = 5_000;
    PCollection<KV<Long, Long>> counts =
        p.apply(GenerateSequence.from(0).to(elements))
            .apply(
                MapElements.into(
                        TypeDescriptors.kvs(TypeDescriptors.longs(), TypeDescriptors.longs()))
                    .via(i -> KV.of(i % keys, i)))
            .apply(Count.perKey());
    PAssert.that(counts.apply(Values.create()).apply(Sum.longsGlobally()))
        .containsInAnyOrder((long) elements);
    PAssert.that(counts.apply(Count.globally())).containsInAnyOrder((long) keys);
    long t0 = System.nanoTime();
    p.run();
    System.out.printf("parallelism %d: %.1f s%n", PARALLELISM, (System.nanoTime() - t0) / 1e9);
  }
}
