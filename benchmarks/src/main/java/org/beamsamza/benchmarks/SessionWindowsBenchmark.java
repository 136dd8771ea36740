package org.beamsamza.benchmarks;

import java.util.Arrays;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.PipelineResult;
import org.apache.beam.sdk.io.GenerateSequence;
import org.apache.beam.sdk.metrics.MetricNameFilter;
import org.apache.beam.sdk.metrics.MetricResult;
import org.apache.beam.sdk.metrics.Metrics;
import org.apache.beam.sdk.metrics.MetricsFilter;
import org.apache.beam.sdk.options.PipelineOptionsFactory;
import org.apache.beam.sdk.transforms.Count;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.transforms.windowing.Sessions;
import org.apache.beam.sdk.transforms.windowing.Window;
import org.apache.beam.sdk.values.KV;
import org.joda.time.Duration;
import org.joda.time.Instant;

/**
 * Merging windows, the slowest shape of issue 11: {@code n} events over {@value #KEYS} keys, one
 * every 10 ms of event time, so each key sees an event every 100 s; sessions with a 150 s gap merge
 * all of a key's events into one session. Count.perKey per session, then a counter of sessions and
 * of the events they hold, checked against that known answer ({@value #KEYS} sessions, {@code n}
 * events). Usage: {@code SessionWindowsBenchmark <events> <pipeline options...>}.
 */
public final class SessionWindowsBenchmark {
  static final int KEYS = 10_000;

  private SessionWindowsBenchmark() {}

  public static void main(String[] args) {
    long n = Long.parseLong(args[0]);
    Pipeline p =
        Pipeline.create(
            PipelineOptionsFactory.fromArgs(Arrays.copyOfRange(args, 1, args.length)).create());
    p.apply(GenerateSequence.from(0).to(n))
        .apply("KeyAndTimestamp", ParDo.of(new KeyAndTimestamp()))
        .apply(Window.into(Sessions.withGapDuration(Duration.standardSeconds(150))))
        .apply(Count.perKey())
        .apply("CountSessions", ParDo.of(new CountSessions()));
    long start = System.nanoTime();
    PipelineResult result = p.run();
    result.waitUntilFinish();
    double seconds = (System.nanoTime() - start) / 1e9;
    long sessions = counter(result, "sessions");
    long events = counter(result, "events");
    if (sessions != KEYS || events != n) {
      throw new AssertionError(
          "expected " + KEYS + " sessions of " + n + " events, got " + sessions + " of " + events);
    }
    System.out.printf(
        "sessions: %d events in %.1f s = %.0f events/s (%d sessions, checked)%n",
        n, seconds, n / seconds, sessions);
  }

  private static long counter(PipelineResult result, String name) {
    for (MetricResult<Long> c :
        result
            .metrics()
            .queryMetrics(
                MetricsFilter.builder()
                    .addNameFilter(MetricNameFilter.named("sessions-benchmark", name))
                    .build())
            .getCounters()) {
      return c.getAttempted();
    }
    return -1;
  }

  /** Event {@code i}: key {@code i % KEYS} at {@code i * 10} ms. */
  static final class KeyAndTimestamp extends DoFn<Long, KV<Integer, Long>> {
    @ProcessElement
    public void process(@Element Long i, OutputReceiver<KV<Integer, Long>> out) {
      out.outputWithTimestamp(KV.of((int) (i % KEYS), i), new Instant(i * 10));
    }
  }

  /** Counts the sessions and the events they hold. */
  static final class CountSessions extends DoFn<KV<Integer, Long>, Void> {
    private final org.apache.beam.sdk.metrics.Counter sessions =
        Metrics.counter("sessions-benchmark", "sessions");
    private final org.apache.beam.sdk.metrics.Counter events =
        Metrics.counter("sessions-benchmark", "events");

    @ProcessElement
    public void process(@Element KV<Integer, Long> session) {
      sessions.inc();
      events.inc(session.getValue());
    }
  }
}
