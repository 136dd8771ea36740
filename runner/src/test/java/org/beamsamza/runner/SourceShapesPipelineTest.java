package org.beamsamza.runner;

import static org.junit.Assert.assertNull;

import java.io.IOException;
import java.io.Serializable;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.io.TextIO;
import org.apache.beam.sdk.options.PipelineOptionsFactory;
import org.apache.beam.sdk.testing.PAssert;
import org.apache.beam.sdk.testing.TestPipeline;
import org.apache.beam.sdk.transforms.Create;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.transforms.PeriodicImpulse;
import org.apache.beam.sdk.transforms.PeriodicSequence;
import org.apache.beam.sdk.transforms.Watch;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollection;
import org.joda.time.Duration;
import org.joda.time.Instant;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

/**
 * Source shapes built on splittable DoFns that no other test of ours covers: {@code
 * PeriodicImpulse} and {@code PeriodicSequence} with a stop time (the job ends by itself), {@code
 * Watch.growthOf} ended by a termination condition, and {@code TextIO.read().watchForNewFiles}
 * reading files written while the pipeline runs.
 */
public class SourceShapesPipelineTest implements Serializable {
  @Rule public final transient TestPipeline p = TestPipeline.fromOptions(options());
  @Rule public final transient TemporaryFolder tmp = new TemporaryFolder();

  private static SamzaPipelineOptions options() {
    SamzaPipelineOptions options = PipelineOptionsFactory.as(SamzaPipelineOptions.class);
    options.setRunner(TestSamzaRunner.class);
    options.setParallelism(2);
    return options;
  }

  /** Each element with its timestamp. */
  static final class WithTimestamp<T> extends DoFn<T, KV<T, Instant>> {
    @ProcessElement
    public void process(ProcessContext c) {
      c.output(KV.of(c.element(), c.timestamp()));
    }
  }

  /** Instants first, first + interval, ..., up to and including last; each its own timestamp. */
  private static List<KV<Instant, Instant>> ticks(Instant first, Instant last, Duration interval) {
    List<KV<Instant, Instant>> expected = new ArrayList<>();
    for (Instant t = first; !t.isAfter(last); t = t.plus(interval)) {
      expected.add(KV.of(t, t));
    }
    return expected;
  }

  @Test
  public void periodicImpulseWithAStopTimeEmitsEveryTickOnTimeAndEnds() {
    // Starts in the future, so the ticks come one by one at wall-clock pace (resume delays).
    Instant start = Instant.now().plus(Duration.millis(500));
    Instant stop = start.plus(Duration.millis(1500));
    Duration interval = Duration.millis(250);
    PCollection<KV<Instant, Instant>> ticks =
        p.apply(PeriodicImpulse.create().startAt(start).stopAt(stop).withInterval(interval))
            .apply(ParDo.of(new WithTimestamp<>()));
    PAssert.that(ticks).containsInAnyOrder(ticks(start, stop, interval));
    // No tick is emitted before its time.
    PAssert.that(ticks.apply(ParDo.of(new NotBeforeItsTime()))).empty();
    p.run();
  }

  /** Outputs a description of every tick seen before the wall clock reached it. */
  static final class NotBeforeItsTime extends DoFn<KV<Instant, Instant>, String> {
    @ProcessElement
    public void process(@Element KV<Instant, Instant> tick, OutputReceiver<String> out) {
      long now = System.currentTimeMillis();
      if (now < tick.getKey().getMillis()) {
        out.output("tick " + tick.getKey() + " seen at " + new Instant(now));
      }
    }
  }

  @Test
  public void periodicSequenceOfTwoDefinitionsEmitsEveryTickOfEach() {
    Instant now = Instant.now();
    // One sequence in the past (caught up at once), one in the near future (paced).
    Instant firstA = now.minus(Duration.standardSeconds(3));
    Instant lastA = firstA.plus(Duration.standardSeconds(1));
    Instant firstB = now.plus(Duration.millis(300));
    Instant lastB = firstB.plus(Duration.millis(1000));
    Duration intervalA = Duration.millis(100);
    Duration intervalB = Duration.millis(200);
    PCollection<KV<Instant, Instant>> ticks =
        p.apply(
                Create.of(
                    new PeriodicSequence.SequenceDefinition(firstA, lastA, intervalA),
                    new PeriodicSequence.SequenceDefinition(firstB, lastB, intervalB)))
            .apply(PeriodicSequence.create())
            .apply(ParDo.of(new WithTimestamp<>()));
    List<KV<Instant, Instant>> expected = new ArrayList<>(ticks(firstA, lastA, intervalA));
    expected.addAll(ticks(firstB, lastB, intervalB));
    PAssert.that(ticks).containsInAnyOrder(expected);
    PAssert.that(ticks.apply(ParDo.of(new NotBeforeItsTime()))).empty();
    p.run();
  }

  /**
   * Polls a growing set: output {@code i} of an input becomes visible {@code i * 100 ms} after the
   * pipeline was built. Never says "complete"; only the termination condition ends the watch.
   */
  static final class GrowingPoll extends Watch.Growth.PollFn<String, String> {
    private final long builtAt;
    private final int size;

    GrowingPoll(long builtAt, int size) {
      this.builtAt = builtAt;
      this.size = size;
    }

    @Override
    public Watch.Growth.PollResult<String> apply(String input, Context c) {
      long visible = Math.min(size, (System.currentTimeMillis() - builtAt) / 100 + 1);
      List<String> outputs = new ArrayList<>();
      for (int i = 0; i < visible; i++) {
        outputs.add(input + "-" + i);
      }
      return Watch.Growth.PollResult.incomplete(Instant.now(), outputs);
    }
  }

  @Test
  public void watchGrowthOfEmitsEveryNewOutputOnceAndEndsOnItsTerminationCondition() {
    int size = 8;
    PCollection<KV<String, String>> outputs =
        p.apply(Create.of("a", "b"))
            .apply(
                Watch.growthOf(new GrowingPoll(System.currentTimeMillis(), size))
                    .withPollInterval(Duration.millis(50))
                    .withTerminationPerInput(
                        Watch.Growth.afterTimeSinceNewOutput(Duration.standardSeconds(1)))
                    .withOutputCoder(StringUtf8Coder.of()));
    List<KV<String, String>> expected = new ArrayList<>();
    for (String input : List.of("a", "b")) {
      for (int i = 0; i < size; i++) {
        expected.add(KV.of(input, input + "-" + i));
      }
    }
    // Exactly once each: Watch deduplicates outputs it saw in earlier polls.
    PAssert.that(outputs).containsInAnyOrder(expected);
    p.run();
  }

  /** Lines read so far, per test run id. */
  private static final Map<String, Set<String>> LINES_SEEN = new ConcurrentHashMap<>();

  static final class RecordLine extends DoFn<String, Void> {
    private final String id;

    RecordLine(String id) {
      this.id = id;
    }

    @ProcessElement
    public void process(@Element String line) {
      LINES_SEEN.computeIfAbsent(id, k -> ConcurrentHashMap.newKeySet()).add(line);
    }
  }

  @Test
  public void textIoWatchForNewFilesReadsFilesWrittenWhileThePipelineRuns() throws Exception {
    String id = UUID.randomUUID().toString();
    Path dir = tmp.newFolder("watched").toPath();
    Path staging = tmp.newFolder("staging").toPath();
    // File 0 exists before the job starts; files 1 and 2 are written once the job has read all of
    // file 0 (so they appear while it runs, after at least one poll).
    List<List<String>> files = new ArrayList<>();
    List<String> expected = new ArrayList<>();
    for (int f = 0; f < 3; f++) {
      List<String> lines = new ArrayList<>();
      for (int l = 0; l < 50; l++) {
        lines.add("file" + f + "-line" + l);
      }
      files.add(lines);
      expected.addAll(lines);
    }
    writeAtomically(staging, dir.resolve("part-0.txt"), files.get(0));

    PCollection<String> lines =
        p.apply(
            TextIO.read()
                .from(dir.resolve("part-*.txt").toString())
                .watchForNewFiles(
                    Duration.millis(100),
                    Watch.Growth.afterTimeSinceNewOutput(Duration.standardSeconds(5))));
    lines.apply(ParDo.of(new RecordLine(id)));
    PAssert.that(lines).containsInAnyOrder(expected);

    AtomicBoolean jobEnded = new AtomicBoolean();
    AtomicReference<Throwable> writerFailure = new AtomicReference<>();
    Thread writer =
        new Thread(
            () -> {
              try {
                while (!jobEnded.get()
                    && !LINES_SEEN.getOrDefault(id, Set.of()).containsAll(files.get(0))) {
                  Thread.sleep(10); // polling a condition: file 0 fully read
                }
                if (jobEnded.get()) {
                  return; // the job ended without reading file 0; PAssert reports it
                }
                writeAtomically(staging, dir.resolve("part-1.txt"), files.get(1));
                writeAtomically(staging, dir.resolve("part-2.txt"), files.get(2));
              } catch (Throwable t) {
                writerFailure.set(t);
              }
            },
            "watched-file-writer");
    writer.start();
    try {
      p.run();
    } finally {
      jobEnded.set(true);
      writer.join();
      LINES_SEEN.remove(id);
    }
    assertNull("writer failed: " + writerFailure.get(), writerFailure.get());
  }

  /** Writes a file under a name outside the glob, then renames it in, so no poll sees it half. */
  private static void writeAtomically(Path staging, Path target, List<String> lines)
      throws IOException {
    Path tmpFile = staging.resolve(target.getFileName());
    Files.write(tmpFile, lines, StandardCharsets.UTF_8);
    Files.move(tmpFile, target, StandardCopyOption.ATOMIC_MOVE);
  }
}
