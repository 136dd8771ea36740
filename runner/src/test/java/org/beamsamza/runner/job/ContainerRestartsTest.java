package org.beamsamza.runner.job;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.junit.Assert.assertNull;

import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.io.GenerateSequence;
import org.apache.beam.sdk.options.PipelineOptionsFactory;
import org.apache.beam.sdk.transforms.Count;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.MapElements;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.transforms.View;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionView;
import org.apache.beam.sdk.values.TypeDescriptors;
import org.beamsamza.runner.SamzaPipelineOptions;
import org.beamsamza.runner.SamzaRunner;
import org.beamsamza.translation.plan.ExecutionPlan;
import org.junit.Test;

/** Which jobs get their failed containers restarted: only those a restart can restore. */
public class ContainerRestartsTest {
  private static SamzaPipelineOptions options(String system, boolean changelog) {
    SamzaPipelineOptions options = PipelineOptionsFactory.create().as(SamzaPipelineOptions.class);
    options.setRunner(SamzaRunner.class);
    options.setParallelism(2);
    options.setSystem(system);
    options.setKafkaBootstrapServers("localhost:9"); // only translated, never connected to
    options.setStateChangelog(changelog);
    return options;
  }

  private static String whyNot(SamzaPipelineOptions options, boolean keyed, boolean sideInput) {
    Pipeline p = Pipeline.create(options);
    PCollection<Long> numbers = p.apply(GenerateSequence.from(0).to(10));
    if (keyed) {
      numbers.apply(Count.perElement());
    }
    if (sideInput) {
      PCollectionView<Long> view =
          p.apply("Side", GenerateSequence.from(0).to(1)).apply(View.asSingleton());
      numbers.apply(
          ParDo.of(
                  new DoFn<Long, Long>() {
                    @ProcessElement
                    public void process(ProcessContext c) {
                      c.output(c.element() + c.sideInput(view));
                    }
                  })
              .withSideInputs(view));
    }
    numbers.apply(MapElements.into(TypeDescriptors.longs()).via(x -> x + 1));
    ExecutionPlan plan = SamzaRunner.translate(p, options);
    return ContainerRestarts.whyNot(options, plan);
  }

  @Test
  public void theEmbeddedDefaultRestartsNothing() {
    assertThat(whyNot(options("inmemory", false), false, false), containsString("in-memory"));
  }

  @Test
  public void theInMemorySystemWithTheChangelogRestartsAStatefulJob() {
    assertNull(whyNot(options("inmemory", true), true, false));
  }

  @Test
  public void kafkaRestartsAStatelessJobButAStatefulOneOnlyWithTheChangelog() {
    assertNull(whyNot(options("kafka", false), false, false));
    assertThat(whyNot(options("kafka", false), true, false), containsString("--stateChangelog"));
    assertNull(whyNot(options("kafka", true), true, false));
  }

  @Test
  public void sideInputsAreRestartedOnlyWithTheChangelog() {
    assertThat(
        whyNot(options("kafka", false), false, true),
        containsString("reads side inputs and keeps main-input elements pushed back"));
    assertNull(whyNot(options("kafka", true), false, true));
  }

  @Test
  public void aZeroRetryCountRestartsNothing() {
    SamzaPipelineOptions off = options("kafka", true);
    off.setContainerRetryCount(0);
    assertThat(whyNot(off, true, false), containsString("--containerRetryCount=0"));
  }
}
