package org.beamsamza.runner.jvm;

import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.PipelineResult;
import org.apache.beam.sdk.io.GenerateSequence;
import org.apache.beam.sdk.metrics.Counter;
import org.apache.beam.sdk.metrics.MetricNameFilter;
import org.apache.beam.sdk.metrics.MetricQueryResults;
import org.apache.beam.sdk.metrics.MetricResult;
import org.apache.beam.sdk.metrics.Metrics;
import org.apache.beam.sdk.metrics.MetricsFilter;
import org.apache.beam.sdk.options.PipelineOptionsFactory;
import org.apache.beam.sdk.transforms.Count;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.MapElements;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.TypeDescriptors;
import org.beamsamza.runner.SamzaPipelineOptions;
import org.beamsamza.runner.SamzaRunner;

/**
 * A user's {@code main} run by {@link ManyTasksJvmTest}: {@code elements} numbers counted per key
 * ({@code i % keys}) by a keyed stage of {@code parallelism} tasks, each with its own RocksDB
 * store. Prints {@code KEYS=<keys with a count> TOTAL=<sum of counts>} from the pipeline's own
 * counters, or the failure.
 */
public final class ManyTasksMain {
  private ManyTasksMain() {}

  static final class Tally extends DoFn<KV<Long, Long>, Void> {
    private final Counter keys = Metrics.counter(ManyTasksMain.class, "keys");
    private final Counter total = Metrics.counter(ManyTasksMain.class, "total");

    @ProcessElement
    public void process(ProcessContext c) {
      keys.inc();
      total.inc(c.element().getValue());
    }
  }

  public static void main(String[] args) {
    int parallelism = Integer.parseInt(args[0]);
    long elements = Long.parseLong(args[1]);
    long keys = Long.parseLong(args[2]);
    SamzaPipelineOptions options = PipelineOptionsFactory.as(SamzaPipelineOptions.class);
    options.setRunner(SamzaRunner.class);
    options.setParallelism(parallelism);
    options.setContainers(2);
    Pipeline p = Pipeline.create(options);
    p.apply(GenerateSequence.from(0).to(elements))
        .apply(
            MapElements.into(TypeDescriptors.kvs(TypeDescriptors.longs(), TypeDescriptors.longs()))
                .via(i -> KV.of(i % keys, i)))
        .apply(Count.perKey())
        .apply(ParDo.of(new Tally()));
    try {
      PipelineResult result = p.run();
      result.waitUntilFinish();
      MetricQueryResults m =
          result
              .metrics()
              .queryMetrics(
                  MetricsFilter.builder()
                      .addNameFilter(MetricNameFilter.inNamespace(ManyTasksMain.class))
                      .build());
      long k = 0;
      long total = 0;
      for (MetricResult<Long> c : m.getCounters()) {
        if (c.getName().getName().equals("keys")) {
          k += c.getAttempted();
        } else {
          total += c.getAttempted();
        }
      }
      System.out.println("KEYS=" + k + " TOTAL=" + total);
    } catch (RuntimeException e) {
      System.out.println("FAILED: " + e);
      e.printStackTrace(System.out);
      System.exit(3);
    }
  }
}
