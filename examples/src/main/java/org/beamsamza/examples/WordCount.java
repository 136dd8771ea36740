package org.beamsamza.examples;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.regex.Pattern;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.PipelineResult;
import org.apache.beam.sdk.io.FileSystems;
import org.apache.beam.sdk.io.TextIO;
import org.apache.beam.sdk.io.fs.EmptyMatchTreatment;
import org.apache.beam.sdk.io.fs.MatchResult;
import org.apache.beam.sdk.metrics.Counter;
import org.apache.beam.sdk.metrics.Metrics;
import org.apache.beam.sdk.options.Default;
import org.apache.beam.sdk.options.Description;
import org.apache.beam.sdk.options.PipelineOptions;
import org.apache.beam.sdk.options.PipelineOptionsFactory;
import org.apache.beam.sdk.options.Validation;
import org.apache.beam.sdk.transforms.Count;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.MapElements;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.transforms.SimpleFunction;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollection;

/**
 * Beam's classic WordCount, runner-agnostic: pick the runner with {@code --runner=SamzaRunner} (or
 * any runner on the classpath).
 *
 * <pre>
 *   --inputFile=PATH_OR_GLOB   required; a local path, a glob, or any path a registered Beam FileSystem reads
 *   --output=PATH              required; with the default --numShards=1 exactly this file is written
 *   --numShards=N              optional; 1 (default) = one file named --output, 0 = runner decides,
 *                              N = N files named OUTPUT-SSSSS-of-NNNNN
 * </pre>
 *
 * <p>Each output line is {@code word: count}. Words are maximal runs of Unicode letters (the line
 * is split on {@code [^\p{L}]+}, empty tokens dropped), case preserved, exactly as Beam's
 * WordCount. Counting uses {@link Count#perElement()}, so a runner may lift the combiner before the
 * shuffle.
 */
public class WordCount {

  /** The tokenizer of Beam's examples ({@code ExampleUtils.TOKENIZER_PATTERN}). */
  public static final String TOKENIZER_PATTERN = "[^\\p{L}]+";

  private static final Pattern TOKENIZER = Pattern.compile(TOKENIZER_PATTERN);

  /** Options of {@link WordCount}. */
  public interface WordCountOptions extends PipelineOptions {
    @Description("File (or glob) to read from")
    @Validation.Required
    String getInputFile();

    void setInputFile(String value);

    @Description("Output file; with --numShards other than 1 it is the prefix of the shard files")
    @Validation.Required
    String getOutput();

    void setOutput(String value);

    @Description(
        "Number of output files: 1 (default) writes exactly --output, 0 lets the runner decide")
    @Default.Integer(1)
    int getNumShards();

    void setNumShards(int value);
  }

  /** Splits a line into words, counting empty lines in a metric (as Beam's ExtractWordsFn does). */
  public static class ExtractWordsFn extends DoFn<String, String> {
    private final Counter emptyLines = Metrics.counter(ExtractWordsFn.class, "emptyLines");

    @ProcessElement
    public void processElement(@Element String line, OutputReceiver<String> out) {
      if (line.trim().isEmpty()) {
        emptyLines.inc();
      }
      for (String word : TOKENIZER.split(line, -1)) {
        if (!word.isEmpty()) {
          out.output(word);
        }
      }
    }
  }

  /** Formats a count as {@code word: count}. */
  public static class FormatAsTextFn extends SimpleFunction<KV<String, Long>, String> {
    @Override
    public String apply(KV<String, Long> wordCount) {
      return wordCount.getKey() + ": " + wordCount.getValue();
    }
  }

  /** Lines in, {@code KV<word, count>} out. */
  public static class CountWords
      extends PTransform<PCollection<String>, PCollection<KV<String, Long>>> {
    @Override
    public PCollection<KV<String, Long>> expand(PCollection<String> lines) {
      return lines
          .apply("ExtractWords", ParDo.of(new ExtractWordsFn()))
          .apply("CountPerWord", Count.perElement());
    }
  }

  /**
   * Adds WordCount's transforms to {@code pipeline}: read {@code inputFile}, count words, write
   * {@code word: count} lines to {@code output} in {@code numShards} files (1 = exactly {@code
   * output}; 0 = runner-chosen sharding).
   */
  public static Pipeline buildPipeline(
      Pipeline pipeline, String inputFile, String output, int numShards) {
    TextIO.Write write = TextIO.write().to(output);
    if (numShards == 1) {
      write = write.withoutSharding();
    } else if (numShards > 1) {
      write = write.withNumShards(numShards);
    } else if (numShards < 0) {
      throw new IllegalArgumentException("--numShards must be >= 0, got " + numShards);
    }
    pipeline
        .apply("ReadLines", TextIO.read().from(inputFile))
        .apply("CountWords", new CountWords())
        .apply("FormatResults", MapElements.via(new FormatAsTextFn()))
        .apply("WriteCounts", write);
    return pipeline;
  }

  /** {@link #buildPipeline(Pipeline, String, String, int)} with a single output file. */
  public static Pipeline buildPipeline(Pipeline pipeline, String inputFile, String output) {
    return buildPipeline(pipeline, inputFile, output, 1);
  }

  /**
   * Fails with a readable message when {@code inputFile} matches nothing or a matched local file is
   * not a readable regular file, instead of letting the pipeline fail later with a stack trace from
   * inside the runner.
   */
  public static void checkInputReadable(String inputFile, PipelineOptions options) {
    if (inputFile == null || inputFile.isEmpty()) {
      throw new IllegalArgumentException("Missing required option --inputFile=PATH");
    }
    FileSystems.setDefaultPipelineOptions(options);
    MatchResult match;
    try {
      match = FileSystems.match(inputFile, EmptyMatchTreatment.ALLOW);
    } catch (IOException | RuntimeException e) {
      throw new IllegalArgumentException(
          "--inputFile=" + inputFile + " cannot be read: " + e.getMessage(), e);
    }
    if (match.status() != MatchResult.Status.OK) {
      throw new IllegalArgumentException(
          "--inputFile=" + inputFile + " cannot be read (" + match.status() + ")");
    }
    try {
      if (match.metadata().isEmpty()) {
        throw new IllegalArgumentException(
            "--inputFile=" + inputFile + " does not exist (no file matches it)");
      }
      for (MatchResult.Metadata file : match.metadata()) {
        if ("file".equals(file.resourceId().getScheme())) {
          Path path = Paths.get(file.resourceId().toString());
          if (!Files.isRegularFile(path)) {
            throw new IllegalArgumentException(
                "--inputFile=" + inputFile + ": " + path + " is not a regular file");
          }
          if (!Files.isReadable(path)) {
            throw new IllegalArgumentException(
                "--inputFile=" + inputFile + ": " + path + " is not readable");
          }
        }
      }
    } catch (IOException e) {
      throw new IllegalArgumentException(
          "--inputFile=" + inputFile + " cannot be read: " + e.getMessage(), e);
    }
  }

  /** Parses and validates {@code args}; throws IllegalArgumentException with a readable message. */
  public static WordCountOptions parseOptions(String[] args) {
    WordCountOptions options =
        PipelineOptionsFactory.fromArgs(args).withValidation().as(WordCountOptions.class);
    checkInputReadable(options.getInputFile(), options);
    return options;
  }

  /** Builds and runs the pipeline, waits for it, and fails unless it ended DONE. */
  public static PipelineResult runWordCount(WordCountOptions options) {
    Pipeline pipeline = Pipeline.create(options);
    buildPipeline(pipeline, options.getInputFile(), options.getOutput(), options.getNumShards());
    PipelineResult result = pipeline.run();
    PipelineResult.State state = result.waitUntilFinish();
    if (state != PipelineResult.State.DONE) {
      throw new IllegalStateException("WordCount ended in state " + state + ", not DONE");
    }
    return result;
  }

  public static void main(String[] args) {
    PipelineOptionsFactory.register(WordCountOptions.class);
    runWordCount(parseOptions(args));
  }
}
