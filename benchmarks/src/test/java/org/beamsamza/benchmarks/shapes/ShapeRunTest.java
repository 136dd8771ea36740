package org.beamsamza.benchmarks.shapes;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import java.util.List;
import java.util.Map;
import org.apache.beam.sdk.options.PipelineOptionsFactory;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.junit.runners.JUnit4;

@RunWith(JUnit4.class)
public class ShapeRunTest {

  @Test
  public void measuresACheckedRun() {
    ShapeRun.Outcome o =
        ShapeRun.run(
            new MapFilterShape(),
            1_000,
            PipelineOptionsFactory.fromArgs("--runner=SamzaRunner", "--parallelism=2").create());
    assertTrue(o.seconds() > 0);
    assertTrue(o.peakHeapBytes() > 0);
  }

  @Test
  public void peerComparisonReadsTheLastResultLine() {
    Map<String, String> fields =
        PeerComparison.parse(
            List.of(
                "some log line",
                "RESULT shape=sessions events=10 runner=FlinkRunner status=ok seconds=1.5"
                    + " eventsPerSec=6.7 peakHeapMb=12 cpuSeconds=0.50",
                "RESULT shape=sessions events=10 runner=FlinkRunner status=failed"
                    + " reason=java.lang.AssertionError: wrong answer: value: expected 1, got 2;"));
    assertEquals("failed", fields.get("status"));
    assertEquals("FlinkRunner", fields.get("runner"));
    assertEquals(
        "java.lang.AssertionError: wrong answer: value: expected 1, got 2;", fields.get("reason"));
  }

  @Test
  public void medianOfEvenAndOddCounts() {
    assertEquals(2.0, PeerComparison.median(List.of(3.0, 1.0, 2.0)), 0);
    assertEquals(2.5, PeerComparison.median(List.of(4.0, 1.0, 2.0, 3.0)), 0);
  }
}
