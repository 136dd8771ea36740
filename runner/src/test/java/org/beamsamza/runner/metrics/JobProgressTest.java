package org.beamsamza.runner.metrics;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.allOf;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.greaterThanOrEqualTo;
import static org.hamcrest.Matchers.lessThan;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNull;

import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.beam.sdk.io.GenerateSequence;
import org.apache.beam.sdk.options.PipelineOptionsFactory;
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
import org.beamsamza.runner.local.LocalPipelineResult;
import org.junit.Rule;
import org.junit.Test;

public class JobProgressTest {
  private static final int ELEMENTS = 10_000;

  @Rule public final transient TestPipeline pipeline = TestPipeline.fromOptions(options());

  private static SamzaPipelineOptions options() {
    SamzaPipelineOptions options = PipelineOptionsFactory.as(SamzaPipelineOptions.class);
    options.setRunner(TestSamzaRunner.class);
    options.setParallelism(2);
    options.setContainers(2);
    return options;
  }

  @Test
  public void aBoundedJobEndsWithEveryStepCountedEverySourceReadAndEveryStageFinished() {
    PCollection<Long> sums =
        pipeline
            .apply(GenerateSequence.from(0).to(ELEMENTS))
            .apply(
                "Key",
                MapElements.into(
                        TypeDescriptors.kvs(TypeDescriptors.longs(), TypeDescriptors.longs()))
                    .via(i -> KV.of(i % 10, i)))
            .apply("CountPerKey", Count.perKey())
            .apply(Values.create())
            .apply(Sum.longsGlobally());
    PAssert.thatSingleton(sums).isEqualTo((long) ELEMENTS);
    LocalPipelineResult result = (LocalPipelineResult) pipeline.run();

    JobProgress progress = result.progress();
    // The 10,000 generated, and the single elements PAssert's own Create sources read.
    assertThat(progress.recordsRead(), allOf(greaterThanOrEqualTo(10_000L), lessThan(10_010L)));
    assertEquals(1.0, progress.fractionRead(), 0.0);
    assertEquals(progress.stages(), progress.stagesFinished());
    assertEquals(progress.tasks(), progress.tasksFinished());
    long[] key = null;
    for (Map.Entry<String, long[]> e : progress.stepElements().entrySet()) {
      if (e.getKey().startsWith("Key")) {
        key = e.getValue();
      }
    }
    assertEquals("every element went through the keying step", ELEMENTS, key[0]);
    assertEquals(ELEMENTS, key[1]);
    assertNull("no stage is still running, so no watermark to wait on", progress.watermarkMillis());
  }

  /** One task's groups, as a registry's values() gives them. */
  private static Map<String, Map<String, Object>> task(
      boolean finished, long processed, Long watermark, long stepIn) {
    Map<String, Map<String, Object>> groups = new LinkedHashMap<>();
    groups.put("task", Map.of("finished", finished, "messages-processed", processed));
    Map<String, Object> stage = new LinkedHashMap<>();
    stage.put("output-watermark", watermark);
    groups.put("stage", stage);
    groups.put("step", Map.of("Parse:elements-in", stepIn, "Parse:elements-out", stepIn * 2));
    return groups;
  }

  @Test
  public void progressOfARunningJob() {
    Map<String, Map<String, Map<String, Map<String, Object>>>> values = new LinkedHashMap<>();
    Map<String, Map<String, Map<String, Object>>> c0 = new LinkedHashMap<>();
    c0.put(
        "container",
        Map.of(
            "source",
            Map.of(
                "beam-source.s[0]-records-read",
                300L,
                "beam-source.s[0]-fraction-consumed",
                0.25,
                "beam-source.s[1]-records-read",
                150L,
                "beam-source.s[1]-fraction-consumed",
                0.75)));
    c0.put("task a-0", task(true, 300, Long.MAX_VALUE, 300));
    c0.put("task a-1", task(false, 150, 4_000L, 150));
    values.put("0", c0);
    Map<String, Map<String, Map<String, Object>>> c1 = new LinkedHashMap<>();
    c1.put("task b-0", task(false, 80, 2_000L, 0));
    values.put("1", c1);
    Map<String, String> stageOfTask = new LinkedHashMap<>();
    stageOfTask.put("a-0", "a");
    stageOfTask.put("a-1", "a");
    stageOfTask.put("b-0", "b");
    stageOfTask.put("b-1", "b"); // not started yet: no registry

    JobProgress p = JobProgress.of(new JobValues(values), stageOfTask);
    assertEquals(450, p.recordsRead());
    assertEquals(0.5, p.fractionRead(), 1e-9);
    assertEquals(0, p.stagesFinished());
    assertEquals(2, p.stages());
    assertEquals(1, p.tasksFinished());
    assertEquals(4, p.tasks());
    assertEquals(530, p.messagesProcessed());
    assertEquals(
        "the least watermark of the unfinished tasks", Long.valueOf(2_000), p.watermarkMillis());
    assertEquals(450, p.stepElements().get("Parse")[0]);
    assertEquals(900, p.stepElements().get("Parse")[1]);
    assertThat(p.line(), containsString("read 450 source records (50% of about 900)"));
    assertThat(p.line(), containsString("stages finished 0 of 2 (tasks 1 of 4)"));
    assertThat(p.line(), containsString("watermark 1970-01-01T00:00:02.000Z"));
    assertThat(
        String.join("\n", p.summary()), containsString("step Parse: 450 elements in, 900 out"));
  }
}
