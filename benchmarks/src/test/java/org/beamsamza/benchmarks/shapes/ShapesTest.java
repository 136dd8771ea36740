package org.beamsamza.benchmarks.shapes;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertThrows;
import static org.junit.Assert.assertTrue;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.PipelineResult;
import org.apache.beam.sdk.options.PipelineOptions;
import org.apache.beam.sdk.options.PipelineOptionsFactory;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.junit.runners.Parameterized;
import org.junit.runners.Parameterized.Parameters;

/**
 * Every shape at a tiny size on the SamzaRunner: its answer checks out, and the same run checked
 * against a deliberately wrong answer fails, so a check can fail at all.
 */
@RunWith(Parameterized.class)
public class ShapesTest {
  // small: the suite runs in CI (the windowed shapes still span several windows at this size)
  private static final long EVENTS = 2_000;

  @Parameters(name = "{0}")
  public static List<Object[]> shapes() {
    List<Object[]> shapes = new ArrayList<>();
    for (Shape s : Shapes.all()) {
      shapes.add(new Object[] {s.name(), s});
    }
    return shapes;
  }

  private final Shape shape;

  public ShapesTest(String name, Shape shape) {
    this.shape = shape;
  }

  private static PipelineOptions samza() {
    return PipelineOptionsFactory.fromArgs(
            "--runner=SamzaRunner", "--parallelism=2", "--containers=2", "--stateBackend=MEMORY")
        .create();
  }

  @Test
  public void answerChecksOutAndAWrongOneFails() {
    Map<String, Long> expected = shape.expected(EVENTS);
    Pipeline p = Pipeline.create(samza());
    shape.expand(p, EVENTS);
    PipelineResult result = p.run();
    assertEquals(PipelineResult.State.DONE, result.waitUntilFinish());
    ShapeCheck.verify(result, expected);

    for (String counter : expected.keySet()) {
      Map<String, Long> wrong = new LinkedHashMap<>(expected);
      wrong.put(counter, expected.get(counter) + 1);
      AssertionError e = assertThrows(AssertionError.class, () -> ShapeCheck.verify(result, wrong));
      assertTrue(e.getMessage(), e.getMessage().contains(counter));
    }
  }
}
