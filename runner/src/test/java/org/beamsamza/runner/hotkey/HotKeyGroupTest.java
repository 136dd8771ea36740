package org.beamsamza.runner.hotkey;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.greaterThan;

import org.apache.beam.sdk.coders.KvCoder;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.coders.VarIntCoder;
import org.apache.beam.sdk.io.GenerateSequence;
import org.apache.beam.sdk.options.PipelineOptionsFactory;
import org.apache.beam.sdk.testing.PAssert;
import org.apache.beam.sdk.testing.TestPipeline;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.GroupByKey;
import org.apache.beam.sdk.transforms.MapElements;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.TypeDescriptors;
import org.beamsamza.runner.SamzaPipelineOptions;
import org.beamsamza.runner.TestSamzaRunner;
import org.junit.Rule;
import org.junit.Test;

/**
 * One key whose group is larger than the heap (issue 7 item 7): a million ~100-byte strings on one
 * key, grouped, then iterated twice by a DoFn. Runs in its own surefire execution with {@code
 * -Xmx128m} (see the module pom): a grouped Iterable that held its values in a list would die of
 * OutOfMemoryError; one that pages them from the store completes, and both passes see exactly the
 * count and checksum plain Java computes from the same generator.
 */
public class HotKeyGroupTest implements java.io.Serializable {
  static final int DEFAULT_VALUES = 1_000_000;

  /** The test's own value of element {@code i}, 100 chars; not code under test. */
  static String valueOf(long i) {
    String digits = String.format("%010d", i);
    return digits.repeat(10);
  }

  /** Iterates the group twice; outputs "count1,sum1,count2,sum2" (sum of String hash codes). */
  static final class CountTwice extends DoFn<KV<Integer, Iterable<String>>, String> {
    @ProcessElement
    public void process(@Element KV<Integer, Iterable<String>> group, OutputReceiver<String> out) {
      StringBuilder result = new StringBuilder();
      for (int pass = 0; pass < 2; pass++) {
        long count = 0;
        long sum = 0;
        for (String v : group.getValue()) {
          count++;
          sum += v.hashCode();
        }
        result.append(pass == 0 ? "" : ",").append(count).append(',').append(sum);
      }
      out.output(result.toString());
    }
  }

  private static SamzaPipelineOptions options() {
    SamzaPipelineOptions options = PipelineOptionsFactory.create().as(SamzaPipelineOptions.class);
    options.setRunner(TestSamzaRunner.class);
    options.setParallelism(1);
    // One container: its round robin interleaves the source and the repartition partition, which
    // keeps the in-memory repartition stream (on the heap) short.
    options.setContainers(1);
    // -DhotKey.backend=MEMORY: the heap store cannot hold a million values in 128 MiB either.
    options.setStateBackend(
        SamzaPipelineOptions.StateBackend.valueOf(System.getProperty("hotKey.backend", "ROCKSDB")));
    return options;
  }

  @Rule public final transient TestPipeline p = TestPipeline.fromOptions(options());

  @Test
  public void groupOfOneKeyLargerThanTheHeapIsIteratedTwice() {
    long heap = Runtime.getRuntime().maxMemory();
    int values = Integer.getInteger("hotKey.values", DEFAULT_VALUES);
    if (values == DEFAULT_VALUES) {
      // Materialized, each value is a String (24 bytes) and its Latin-1 byte[] (16 + 100 bytes):
      // the group alone, 140 MB, is more than the whole heap.
      assertThat("the group must not fit the heap", values * 140L, greaterThan(heap));
    }

    long count = 0;
    long sum = 0;
    for (long i = 0; i < values; i++) {
      count++;
      sum += valueOf(i).hashCode();
    }
    String expected = count + "," + sum + "," + count + "," + sum;

    PCollection<String> result =
        p.apply(GenerateSequence.from(0).to(values))
            .apply(
                MapElements.into(
                        TypeDescriptors.kvs(TypeDescriptors.integers(), TypeDescriptors.strings()))
                    .via(i -> KV.of(7, valueOf(i))))
            .setCoder(KvCoder.of(VarIntCoder.of(), StringUtf8Coder.of()))
            .apply(GroupByKey.create())
            .apply(ParDo.of(new CountTwice()));
    PAssert.that(result).containsInAnyOrder(expected);

    long start = System.nanoTime();
    p.run(); // TestPipeline checks that the PAssert ran and passed
    System.out.printf(
        "HotKeyGroupTest: %d values on one key, heap %.0f MiB, %d ms%n",
        values, heap / (double) (1 << 20), (System.nanoTime() - start) / 1_000_000);
  }
}
