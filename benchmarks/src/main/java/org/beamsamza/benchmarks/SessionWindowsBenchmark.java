package org.beamsamza.benchmarks;

import java.util.Arrays;
import org.apache.beam.sdk.options.PipelineOptionsFactory;
import org.beamsamza.benchmarks.shapes.SessionWindowsShape;
import org.beamsamza.benchmarks.shapes.ShapeRun;

/**
 * Merging windows, the slowest shape of issue 11 ({@link SessionWindowsShape}, also one of the
 * shapes of benchmarks/peers.sh): {@code n} events over {@value SessionWindowsShape#KEYS} keys, one
 * every 10 ms of event time, so each key sees an event every 100 s; sessions with a 150 s gap merge
 * all of a key's events into one session. Count.perKey per session, checked against that known
 * answer. Usage: {@code SessionWindowsBenchmark <events> <pipeline options...>}.
 */
public final class SessionWindowsBenchmark {
  private SessionWindowsBenchmark() {}

  public static void main(String[] args) {
    long n = Long.parseLong(args[0]);
    ShapeRun.Outcome o =
        ShapeRun.run(
            new SessionWindowsShape(),
            n,
            PipelineOptionsFactory.fromArgs(Arrays.copyOfRange(args, 1, args.length)).create());
    System.out.printf(
        "sessions: %d events in %.1f s = %.0f events/s (%d sessions, checked)%n",
        n, o.seconds(), n / o.seconds(), Math.min(n, SessionWindowsShape.KEYS));
  }
}
