package org.beamsamza.benchmarks;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.assertNull;

import java.nio.file.Path;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.options.PipelineOptionsFactory;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;
import org.junit.runner.RunWith;
import org.junit.runners.JUnit4;

@RunWith(JUnit4.class)
public class GroupByKeyBenchmarkTest {

  @Rule public TemporaryFolder tmp = new TemporaryFolder();

  @Test
  public void closedFormsMatchBruteForce() {
    long[][] cases = {{1, 1}, {10, 3}, {3, 10}, {1000, 7}, {1001, 1000}, {99, 100}, {100, 100}};
    for (long[] c : cases) {
      long n = c[0];
      long keys = c[1];
      long[] count = new long[(int) keys];
      long[] sum = new long[(int) keys];
      long total = 0;
      for (long i = 0; i < n; i++) {
        count[(int) (i % keys)]++;
        sum[(int) (i % keys)] += i;
        total += i;
      }
      long groups = 0;
      for (int k = 0; k < keys; k++) {
        assertEquals(
            "count n=" + n + " keys=" + keys + " key=" + k,
            count[k],
            GroupByKeyBenchmark.expectedCount(k, n, keys));
        assertEquals(
            "sum n=" + n + " keys=" + keys + " key=" + k,
            sum[k],
            GroupByKeyBenchmark.expectedSum(k, n, keys));
        groups += count[k] > 0 ? 1 : 0;
      }
      assertEquals(groups, GroupByKeyBenchmark.expectedGroups(n, keys));
      assertEquals(total, GroupByKeyBenchmark.expectedTotalSum(n));
    }
  }

  @Test
  public void pipelineWritesTheExpectedChecksum() throws Exception {
    Path out = tmp.getRoot().toPath().resolve("checksum");
    Pipeline p = Pipeline.create(PipelineOptionsFactory.fromArgs("--runner=DirectRunner").create());
    GroupByKeyBenchmark.buildPipeline(p, 2000, 13, out.toString());
    p.run().waitUntilFinish();
    assertNull(GroupByKeyBenchmark.checkOutput(out, 2000, 13));
    assertNotNull(GroupByKeyBenchmark.checkOutput(out, 2001, 13));
    assertNotNull(GroupByKeyBenchmark.checkOutput(out, 2000, 14));
  }
}
