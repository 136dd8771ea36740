package org.beamsamza.examples;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.channels.Channels;
import java.nio.charset.StandardCharsets;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.PipelineResult;
import org.apache.beam.sdk.io.FileIO;
import org.apache.beam.sdk.io.TextIO;
import org.apache.beam.sdk.options.Default;
import org.apache.beam.sdk.options.Description;
import org.apache.beam.sdk.options.PipelineOptions;
import org.apache.beam.sdk.options.PipelineOptionsFactory;
import org.apache.beam.sdk.options.Validation;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.transforms.windowing.FixedWindows;
import org.apache.beam.sdk.transforms.windowing.GlobalWindows;
import org.apache.beam.sdk.transforms.windowing.IntervalWindow;
import org.apache.beam.sdk.transforms.windowing.Window;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollection;
import org.joda.time.Duration;
import org.joda.time.Instant;

/**
 * Windowed word count over a text file, runner-agnostic ({@code --runner=SamzaRunner}).
 *
 * <p>Line {@code i} (0-based, per file) of the input gets the event timestamp {@code --epoch + i *
 * --secondsPerLine} seconds, so results are deterministic whatever the runner or its parallelism.
 * Words are counted per fixed window of {@code --windowSizeMinutes} minutes and written as {@code
 * window-start word count} lines, e.g. {@code 2024-01-01T00:01:00.000Z the 7}, to one file {@code
 * --output}.
 *
 * <p>The file is read by one DoFn call per file (to know line numbers), so reading is not split;
 * the windowed counting (GroupByKey per window) is where the parallel work happens.
 */
public class WindowedWordCount {

  /** Options of {@link WindowedWordCount}. */
  public interface WindowedWordCountOptions extends PipelineOptions {
    @Description("File (or glob) to read from")
    @Validation.Required
    String getInputFile();

    void setInputFile(String value);

    @Description("Output file (exactly this file is written)")
    @Validation.Required
    String getOutput();

    void setOutput(String value);

    @Description("Fixed window size in minutes")
    @Default.Integer(1)
    int getWindowSizeMinutes();

    void setWindowSizeMinutes(int value);

    @Description("Event time of the first line of each file (ISO-8601)")
    @Default.String("2024-01-01T00:00:00Z")
    String getEpoch();

    void setEpoch(String value);

    @Description("Event-time distance between consecutive lines, in seconds")
    @Default.Long(1)
    long getSecondsPerLine();

    void setSecondsPerLine(long value);
  }

  /** Reads a whole file and emits line {@code i} with timestamp {@code epoch + i * step}. */
  public static class ReadLinesWithTimestampsFn extends DoFn<FileIO.ReadableFile, String> {
    private final long epochMillis;
    private final long stepMillis;

    public ReadLinesWithTimestampsFn(Instant epoch, Duration step) {
      this.epochMillis = epoch.getMillis();
      this.stepMillis = step.getMillis();
    }

    @ProcessElement
    public void processElement(@Element FileIO.ReadableFile file, OutputReceiver<String> out)
        throws IOException {
      try (BufferedReader reader =
          new BufferedReader(
              new InputStreamReader(Channels.newInputStream(file.open()), StandardCharsets.UTF_8),
              1 << 16)) {
        long lineNumber = 0;
        for (String line = reader.readLine(); line != null; line = reader.readLine()) {
          out.outputWithTimestamp(line, new Instant(epochMillis + lineNumber * stepMillis));
          lineNumber++;
        }
      }
    }
  }

  /** Formats {@code KV<word, count>} in its window as {@code window-start word count}. */
  public static class FormatWithWindowFn extends DoFn<KV<String, Long>, String> {
    @ProcessElement
    public void processElement(
        @Element KV<String, Long> wordCount, IntervalWindow window, OutputReceiver<String> out) {
      out.output(window.start() + " " + wordCount.getKey() + " " + wordCount.getValue());
    }
  }

  /** Adds the windowed word count to {@code pipeline}. */
  public static Pipeline buildPipeline(
      Pipeline pipeline,
      String inputFile,
      String output,
      Duration windowSize,
      Instant epoch,
      Duration perLine) {
    PCollection<String> lines =
        pipeline
            .apply("MatchFiles", FileIO.match().filepattern(inputFile))
            .apply("OpenFiles", FileIO.readMatches())
            .apply(
                "ReadLinesWithTimestamps", ParDo.of(new ReadLinesWithTimestampsFn(epoch, perLine)));
    lines
        .apply("FixedWindows", Window.into(FixedWindows.of(windowSize)))
        .apply("CountWords", new WordCount.CountWords())
        .apply("FormatWithWindow", ParDo.of(new FormatWithWindowFn()))
        // The window start is in each line now; one global window lets TextIO write a single file.
        .apply("Rewindow", Window.into(new GlobalWindows()))
        .apply("WriteCounts", TextIO.write().to(output).withoutSharding());
    return pipeline;
  }

  public static void main(String[] args) {
    PipelineOptionsFactory.register(WindowedWordCountOptions.class);
    WindowedWordCountOptions options =
        PipelineOptionsFactory.fromArgs(args).withValidation().as(WindowedWordCountOptions.class);
    WordCount.checkInputReadable(options.getInputFile(), options);
    if (options.getWindowSizeMinutes() <= 0 || options.getSecondsPerLine() < 0) {
      throw new IllegalArgumentException(
          "--windowSizeMinutes must be > 0 and --secondsPerLine >= 0");
    }
    Pipeline pipeline = Pipeline.create(options);
    buildPipeline(
        pipeline,
        options.getInputFile(),
        options.getOutput(),
        Duration.standardMinutes(options.getWindowSizeMinutes()),
        Instant.parse(options.getEpoch()),
        Duration.standardSeconds(options.getSecondsPerLine()));
    PipelineResult.State state = pipeline.run().waitUntilFinish();
    if (state != PipelineResult.State.DONE) {
      throw new IllegalStateException("WindowedWordCount ended in state " + state + ", not DONE");
    }
  }
}
