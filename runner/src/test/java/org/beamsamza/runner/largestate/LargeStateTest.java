package org.beamsamza.runner.largestate;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.greaterThan;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.PipelineResult;
import org.apache.beam.sdk.coders.KvCoder;
import org.apache.beam.sdk.coders.VarLongCoder;
import org.apache.beam.sdk.io.GenerateSequence;
import org.apache.beam.sdk.options.PipelineOptionsFactory;
import org.apache.beam.sdk.state.BagState;
import org.apache.beam.sdk.state.StateSpec;
import org.apache.beam.sdk.state.StateSpecs;
import org.apache.beam.sdk.testing.PAssert;
import org.apache.beam.sdk.testing.TestPipeline;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.MapElements;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.TypeDescriptors;
import org.beamsamza.runner.SamzaPipelineOptions;
import org.beamsamza.runner.SamzaRunner;
import org.junit.Test;

/**
 * A stateful pipeline whose state is more than ten times the heap: every element stores a 1 KiB
 * random value in its key's bag, and each key reads its whole bag back when its window expires.
 * Runs in its own surefire execution with a small {@code -Xmx} (see the module pom); with state on
 * the heap it would die of OutOfMemoryError, with RocksDB it completes and every key's count and
 * checksum equal what plain Java computes from the same generator.
 */
public class LargeStateTest implements java.io.Serializable {
  static final int KEYS = 2_000;
  static final int VALUE_BYTES = 1024;

  /** The test's own deterministic value of element {@code i}; not code under test. */
  static byte[] valueOf(long i) {
    byte[] b = new byte[VALUE_BYTES];
    new SplittableRandom(i).nextBytes(b);
    return b;
  }

  static long checksum(byte[] b) {
    long h = 1;
    for (byte x : b) {
      h = 31 * h + x;
    }
    return h;
  }

  /** Keeps every value of a key in a bag; when the key's window expires, counts and sums them. */
  static final class KeepEverything extends DoFn<KV<Long, Long>, KV<Long, KV<Long, Long>>> {
    @StateId("values")
    private final StateSpec<BagState<byte[]>> values = StateSpecs.bag();

    @ProcessElement
    public void process(@Element KV<Long, Long> e, @StateId("values") BagState<byte[]> values) {
      values.add(valueOf(e.getValue()));
    }

    @OnWindowExpiration
    public void expire(
        @Key Long key,
        @StateId("values") BagState<byte[]> values,
        OutputReceiver<KV<Long, KV<Long, Long>>> out) {
      long count = 0;
      long sum = 0;
      for (byte[] v : values.read()) {
        count++;
        sum += checksum(v);
      }
      out.output(KV.of(key, KV.of(count, sum)));
    }
  }

  @Test
  public void stateTenTimesTheHeapCompletes() {
    long heap = Runtime.getRuntime().maxMemory();
    // -DlargeState.elements=N runs a smaller (or larger) job, e.g. to time it; the default is 12x.
    Long override = Long.getLong("largeState.elements");
    long elements = override != null ? override : 12 * heap / VALUE_BYTES;
    if (override == null) {
      assertThat(
          "state must be more than 10x the heap", elements * VALUE_BYTES, greaterThan(10 * heap));
    }

    SamzaPipelineOptions options = PipelineOptionsFactory.create().as(SamzaPipelineOptions.class);
    options.setRunner(SamzaRunner.class);
    options.setParallelism(2);
    // One container: its round robin interleaves source and repartition partitions, which keeps
    // the in-memory repartition stream (on the heap) short.
    options.setContainers(1);
    // -DlargeState.backend=MEMORY shows the test can fail: the heap store dies of OutOfMemoryError.
    options.setStateBackend(
        SamzaPipelineOptions.StateBackend.valueOf(
            System.getProperty("largeState.backend", "ROCKSDB")));
    Pipeline p = Pipeline.create(options);
    PCollection<KV<Long, KV<Long, Long>>> sums =
        p.apply(GenerateSequence.from(0).to(elements))
            .apply(
                MapElements.into(
                        TypeDescriptors.kvs(TypeDescriptors.longs(), TypeDescriptors.longs()))
                    .via(i -> KV.of(i % KEYS, i)))
            .setCoder(KvCoder.of(VarLongCoder.of(), VarLongCoder.of()))
            .apply(ParDo.of(new KeepEverything()));

    List<KV<Long, KV<Long, Long>>> expected = new ArrayList<>();
    long[] counts = new long[KEYS];
    long[] sumsByKey = new long[KEYS];
    for (long i = 0; i < elements; i++) {
      counts[(int) (i % KEYS)]++;
      sumsByKey[(int) (i % KEYS)] += checksum(valueOf(i));
    }
    for (int k = 0; k < KEYS; k++) {
      if (counts[k] > 0) {
        expected.add(KV.of((long) k, KV.of(counts[k], sumsByKey[k])));
      }
    }
    PAssert.that(sums).containsInAnyOrder(expected);

    long start = System.nanoTime();
    PipelineResult result = p.run();
    PipelineResult.State state = result.waitUntilFinish();
    long millis = (System.nanoTime() - start) / 1_000_000;
    System.out.printf(
        "LargeStateTest: %d elements, %.0f MiB of state, heap %.0f MiB, %d ms%n",
        elements, elements * (double) VALUE_BYTES / (1 << 20), heap / (double) (1 << 20), millis);
    assertThat(state, org.hamcrest.Matchers.equalTo(PipelineResult.State.DONE));
    // The PAssert ran and succeeded (a failed one fails the run; one that never ran fails here).
    TestPipeline.verifyPAssertsSucceeded(p, result);
  }
}
