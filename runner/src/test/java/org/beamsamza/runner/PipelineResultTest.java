package org.beamsamza.runner;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.nullValue;
import static org.junit.Assert.assertThrows;

import java.util.stream.IntStream;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.PipelineResult;
import org.apache.beam.sdk.options.PipelineOptionsFactory;
import org.apache.beam.sdk.transforms.Create;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.ParDo;
import org.joda.time.Duration;
import org.junit.Test;

/** The PipelineResult contract: waiting with a timeout, cancelling, and bad options. */
public class PipelineResultTest {
  private static SamzaPipelineOptions options() {
    SamzaPipelineOptions options = PipelineOptionsFactory.as(SamzaPipelineOptions.class);
    options.setRunner(SamzaRunner.class);
    options.setParallelism(1);
    return options;
  }

  /** Sleeps per element so that the job runs for a long time (~50 s) unless cancelled. */
  static final class Slow extends DoFn<Integer, Integer> {
    @ProcessElement
    public void process(ProcessContext c) throws InterruptedException {
      Thread.sleep(50);
      c.output(c.element());
    }
  }

  @Test
  public void waitWithTimeoutReturnsNullWhileRunningAndCancelStopsTheJob() throws Exception {
    Pipeline p = Pipeline.create(options());
    p.apply(Create.of(IntStream.range(0, 1000).boxed().toList())).apply(ParDo.of(new Slow()));
    PipelineResult result = p.run();

    assertThat(result.waitUntilFinish(Duration.millis(300)), nullValue());
    assertThat(result.getState(), is(PipelineResult.State.RUNNING));
    assertThat(result.cancel(), is(PipelineResult.State.CANCELLED));
    assertThat(
        result.waitUntilFinish(Duration.standardSeconds(10)), is(PipelineResult.State.CANCELLED));
  }

  @Test
  public void waitUntilFinishReturnsDoneForAFinishedJob() {
    Pipeline p = Pipeline.create(options());
    p.apply(Create.of(1, 2, 3));
    PipelineResult result = p.run();
    assertThat(result.waitUntilFinish(), is(PipelineResult.State.DONE));
    assertThat(result.getState(), is(PipelineResult.State.DONE));
  }

  @Test
  public void anEmptyPipelineFinishesAtOnce() {
    PipelineResult result = Pipeline.create(options()).run();
    assertThat(result.waitUntilFinish(Duration.standardSeconds(10)), is(PipelineResult.State.DONE));
  }

  /** A source whose reader fails: the run fails with the reader's own exception. */
  static final class FailingSource extends org.apache.beam.sdk.io.BoundedSource<Integer> {
    @Override
    public java.util.List<FailingSource> split(
        long size, org.apache.beam.sdk.options.PipelineOptions o) {
      return java.util.List.of(this);
    }

    @Override
    public long getEstimatedSizeBytes(org.apache.beam.sdk.options.PipelineOptions o) {
      return 1;
    }

    @Override
    public org.apache.beam.sdk.coders.Coder<Integer> getOutputCoder() {
      return org.apache.beam.sdk.coders.VarIntCoder.of();
    }

    @Override
    public BoundedReader<Integer> createReader(org.apache.beam.sdk.options.PipelineOptions o)
        throws java.io.IOException {
      throw new java.io.IOException("corrupt block 7");
    }
  }

  @Test
  public void aFailingSourceFailsTheRunWithItsOwnException() {
    Pipeline p = Pipeline.create(options());
    p.apply(org.apache.beam.sdk.io.Read.from(new FailingSource()));
    Pipeline.PipelineExecutionException e =
        assertThrows(Pipeline.PipelineExecutionException.class, () -> p.run().waitUntilFinish());
    assertThat(e.getCause(), org.hamcrest.Matchers.instanceOf(java.io.IOException.class));
    assertThat(e.getCause().getMessage(), is("corrupt block 7"));
  }

  @Test
  public void badOptionsFailAtRunNamingTheOption() {
    SamzaPipelineOptions options = options();
    options.setParallelism(0);
    Pipeline p = Pipeline.create(options);
    p.apply(Create.of(1));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, p::run);
    assertThat(e.getMessage(), containsString("--parallelism"));
  }

  @Test
  public void badStateOptionsFailAtRunNamingTheOption() {
    SamzaPipelineOptions cacheBytes = options();
    cacheBytes.setStateCacheBytes(0);
    Pipeline p1 = Pipeline.create(cacheBytes);
    p1.apply(Create.of(1));
    assertThat(
        assertThrows(IllegalArgumentException.class, p1::run).getMessage(),
        containsString("--stateCacheBytes"));

    SamzaPipelineOptions cacheEntries = options();
    cacheEntries.setStateCacheEntries(-1);
    Pipeline p2 = Pipeline.create(cacheEntries);
    p2.apply(Create.of(1));
    assertThat(
        assertThrows(IllegalArgumentException.class, p2::run).getMessage(),
        containsString("--stateCacheEntries"));

    IllegalArgumentException backend =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                PipelineOptionsFactory.fromArgs("--stateBackend=LEVELDB")
                    .as(SamzaPipelineOptions.class));
    assertThat(backend.getMessage(), containsString("LEVELDB"));
  }

  @Test
  public void theRunnerResolvesByItsShortName() {
    SamzaPipelineOptions options =
        PipelineOptionsFactory.fromArgs("--runner=SamzaRunner", "--parallelism=3")
            .as(SamzaPipelineOptions.class);
    assertThat(options.getRunner().getName(), is(SamzaRunner.class.getName()));
    assertThat(options.getParallelism(), is(3));
  }
}
