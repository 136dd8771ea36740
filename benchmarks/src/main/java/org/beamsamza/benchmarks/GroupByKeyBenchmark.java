package org.beamsamza.benchmarks;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.coders.CannotProvideCoderException;
import org.apache.beam.sdk.coders.Coder;
import org.apache.beam.sdk.coders.CoderRegistry;
import org.apache.beam.sdk.coders.CustomCoder;
import org.apache.beam.sdk.coders.VarLongCoder;
import org.apache.beam.sdk.io.GenerateSequence;
import org.apache.beam.sdk.io.TextIO;
import org.apache.beam.sdk.transforms.Combine;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.GroupByKey;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.values.KV;

/**
 * A GroupByKey-heavy synthetic pipeline, timed on each runner of {@code --runners} in this JVM:
 *
 * <pre>
 *   GenerateSequence [0, n) -> KV(i % keys, i) -> GroupByKey -> per key: check and emit (count, sum)
 *     -> Combine.globally (fan-out 1000): (groups, sum of counts, sum of sums) -> check -> one text line
 * </pre>
 *
 * <pre>
 *   GroupByKeyBenchmark [--n=10000000] [--keys=100000] [--runners=SamzaRunner,DirectRunner] [--rounds=1]
 *       [--warmup=true] [--workDir=/tmp/beamsamza-bench] [runner options, e.g. --parallelism=2]
 * </pre>
 *
 * <p>Correctness is checked three times: each group's count and sum must equal the closed form for
 * its key (and every value must belong to the key), the global totals must be {@code min(n, keys)}
 * groups, {@code n} elements and a sum of {@code n(n-1)/2} (both checks throw inside the pipeline,
 * so a runner that swallows failures is caught by the third), and the driver reads the single
 * output line back and checks it again. Meant to run with {@code -Xmx1g}.
 */
public final class GroupByKeyBenchmark {

  /** Intermediate keys of the global checksum combine; see {@link #buildPipeline}. */
  static final int CHECKSUM_FANOUT = 1000;

  private GroupByKeyBenchmark() {}

  /** Number of i in [0, n) with i % keys == key. */
  static long expectedCount(long key, long n, long keys) {
    return key >= n ? 0 : (n - 1 - key) / keys + 1;
  }

  /** Sum of i in [0, n) with i % keys == key: key*c + keys*c*(c-1)/2. */
  static long expectedSum(long key, long n, long keys) {
    long c = expectedCount(key, n, keys);
    return key * c + keys * (c * (c - 1) / 2);
  }

  static long expectedGroups(long n, long keys) {
    return Math.min(n, keys);
  }

  static long expectedTotalSum(long n) {
    return n % 2 == 0 ? (n / 2) * (n - 1) : n * ((n - 1) / 2);
  }

  static String checksumLine(long groups, long count, long sum) {
    return "groups=" + groups + " count=" + count + " sum=" + sum;
  }

  /** i -> KV(i % keys, i). */
  static class ToKvFn extends DoFn<Long, KV<Long, Long>> {
    private final long keys;

    ToKvFn(long keys) {
      this.keys = keys;
    }

    @ProcessElement
    public void processElement(@Element Long i, OutputReceiver<KV<Long, Long>> out) {
      out.output(KV.of(i % keys, i));
    }
  }

  /** One group -> KV(count, sum), after checking it against the closed form for its key. */
  static class CountAndSumFn extends DoFn<KV<Long, Iterable<Long>>, KV<Long, Long>> {
    private final long n;
    private final long keys;

    CountAndSumFn(long n, long keys) {
      this.n = n;
      this.keys = keys;
    }

    @ProcessElement
    public void processElement(
        @Element KV<Long, Iterable<Long>> group, OutputReceiver<KV<Long, Long>> out) {
      long key = group.getKey();
      long count = 0;
      long sum = 0;
      for (long value : group.getValue()) {
        if (value % keys != key) {
          throw new IllegalStateException("value " + value + " grouped under key " + key);
        }
        count++;
        sum += value;
      }
      if (count != expectedCount(key, n, keys) || sum != expectedSum(key, n, keys)) {
        throw new IllegalStateException(
            String.format(
                "key %d: count %d sum %d, expected count %d sum %d",
                key, count, sum, expectedCount(key, n, keys), expectedSum(key, n, keys)));
      }
      out.output(KV.of(count, sum));
    }
  }

  /** (groups, total count, total sum). */
  static final class Checksum {
    long groups;
    long count;
    long sum;
  }

  static final class ChecksumCoder extends CustomCoder<Checksum> {
    private static final VarLongCoder LONG = VarLongCoder.of();

    @Override
    public void encode(Checksum c, OutputStream out) throws IOException {
      LONG.encode(c.groups, out);
      LONG.encode(c.count, out);
      LONG.encode(c.sum, out);
    }

    @Override
    public Checksum decode(InputStream in) throws IOException {
      Checksum c = new Checksum();
      c.groups = LONG.decode(in);
      c.count = LONG.decode(in);
      c.sum = LONG.decode(in);
      return c;
    }

    @Override
    public void verifyDeterministic() {}
  }

  static class ChecksumFn extends Combine.CombineFn<KV<Long, Long>, Checksum, Checksum> {
    @Override
    public Checksum createAccumulator() {
      return new Checksum();
    }

    @Override
    public Checksum addInput(Checksum acc, KV<Long, Long> countAndSum) {
      acc.groups++;
      acc.count += countAndSum.getKey();
      acc.sum += countAndSum.getValue();
      return acc;
    }

    @Override
    public Checksum mergeAccumulators(Iterable<Checksum> accumulators) {
      Checksum merged = new Checksum();
      for (Checksum c : accumulators) {
        merged.groups += c.groups;
        merged.count += c.count;
        merged.sum += c.sum;
      }
      return merged;
    }

    @Override
    public Checksum extractOutput(Checksum acc) {
      return acc;
    }

    @Override
    public Coder<Checksum> getAccumulatorCoder(CoderRegistry registry, Coder<KV<Long, Long>> in)
        throws CannotProvideCoderException {
      return new ChecksumCoder();
    }

    @Override
    public Coder<Checksum> getDefaultOutputCoder(CoderRegistry registry, Coder<KV<Long, Long>> in)
        throws CannotProvideCoderException {
      return new ChecksumCoder();
    }
  }

  /** Throws unless the totals are right; emits the checksum line. */
  static class VerifyFn extends DoFn<Checksum, String> {
    private final long n;
    private final long keys;

    VerifyFn(long n, long keys) {
      this.n = n;
      this.keys = keys;
    }

    @ProcessElement
    public void processElement(@Element Checksum c, OutputReceiver<String> out) {
      String actual = checksumLine(c.groups, c.count, c.sum);
      String expected = checksumLine(expectedGroups(n, keys), n, expectedTotalSum(n));
      if (!actual.equals(expected)) {
        throw new IllegalStateException("checksum " + actual + ", expected " + expected);
      }
      out.output(actual);
    }
  }

  /**
   * Adds the benchmark pipeline to {@code pipeline}; it writes one checksum line to {@code output}.
   */
  public static Pipeline buildPipeline(Pipeline pipeline, long n, long keys, String output) {
    pipeline
        .apply("Generate", GenerateSequence.from(0).to(n))
        .apply("ToKV", ParDo.of(new ToKvFn(keys)))
        .apply("GroupByKey", GroupByKey.create())
        .apply("CountAndSumPerKey", ParDo.of(new CountAndSumFn(n, keys)))
        // Fan-out: the global combine first combines per random intermediate key. Without it, the
        // DirectRunner (whose GroupByKey emits one bundle per key, and whose copy-on-access state
        // copies a key's whole bag on every bundle) needs ~groups^2/2 copies for one global key:
        // hours for 100,000 groups. Costs any other runner one small extra keyed exchange.
        .apply(
            "GlobalChecksum",
            Combine.globally(new ChecksumFn()).withoutDefaults().withFanout(CHECKSUM_FANOUT))
        .apply("Verify", ParDo.of(new VerifyFn(n, keys)))
        .apply("Write", TextIO.write().to(output).withoutSharding());
    return pipeline;
  }

  /** Null if the output file holds exactly the expected checksum line, else what is wrong. */
  static String checkOutput(Path output, long n, long keys) {
    List<String> lines = Harness.readSortedLines(output);
    String expected = checksumLine(expectedGroups(n, keys), n, expectedTotalSum(n));
    return lines.equals(List.of(expected))
        ? null
        : "output " + lines + ", expected [" + expected + "]";
  }

  public static void main(String[] args) {
    Harness h = new Harness("GroupByKeyBenchmark", args, Map.of("n", "10000000", "keys", "100000"));
    long n = h.getLong("n");
    long keys = h.getLong("keys");
    if (n < 1 || keys < 1 || n > 3_000_000_000L) {
      System.err.println(
          "GroupByKeyBenchmark: need 1 <= n <= 3e9 (sums stay in a long) and keys >= 1");
      System.exit(2);
    }
    h.printHeader(
        String.format(
            Locale.ROOT,
            "GenerateSequence(%d) -> KV(i %% %d, i) -> GroupByKey -> per-key count/sum -> global checksum",
            n,
            keys));

    long wn = Math.min(n, 50_000);
    long wk = Math.min(keys, 5_000);
    h.warmUp(
        "checksum",
        (p, out) -> buildPipeline(p, wn, wk, out.toString()),
        out -> checkOutput(out, wn, wk));
    List<Harness.Rate> rates = List.of(new Harness.Rate("elements/s", n));
    h.timeRounds(
        "checksum",
        rates,
        (p, out) -> buildPipeline(p, n, keys, out.toString()),
        out -> checkOutput(out, n, keys));
    System.out.printf(
        "%nexpected checksum (checked in the pipeline and on each run's output): %s%n",
        checksumLine(expectedGroups(n, keys), n, expectedTotalSum(n)));
    h.finish(rates);
  }
}
