package org.beamsamza.runner;

import java.util.ArrayList;
import java.util.List;
import org.apache.beam.sdk.coders.Coder;
import org.apache.beam.sdk.coders.CoderRegistry;
import org.apache.beam.sdk.coders.IterableCoder;
import org.apache.beam.sdk.coders.KvCoder;
import org.apache.beam.sdk.coders.ListCoder;
import org.apache.beam.sdk.coders.VarIntCoder;
import org.apache.beam.sdk.coders.VarLongCoder;
import org.apache.beam.sdk.io.GenerateSequence;
import org.apache.beam.sdk.options.PipelineOptionsFactory;
import org.apache.beam.sdk.testing.PAssert;
import org.apache.beam.sdk.testing.TestPipeline;
import org.apache.beam.sdk.transforms.Combine;
import org.apache.beam.sdk.transforms.Count;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.GroupByKey;
import org.apache.beam.sdk.transforms.MapElements;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.transforms.Values;
import org.apache.beam.sdk.transforms.View;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionView;
import org.apache.beam.sdk.values.TypeDescriptors;
import org.junit.Rule;
import org.junit.Test;

/**
 * Grouped Iterables larger than a page of the GroupByKey's paged read, kept by an operator past the
 * output call, after which the GroupByKey clears the group: a ParDo whose side input is not ready
 * yet pushes the element back and processes it later; a lifted combine's accumulator keeps its
 * inputs until it is flushed. Both must still see every value (a kept Iterable that read the store
 * would find the group cleared).
 */
public class GroupedIterableRetentionTest implements java.io.Serializable {
  /** Values per key: several pages of {@code BagPaging.DEFAULT} (1000 entries). */
  static final int PER_KEY = 2_500;

  static final int KEYS = 2;

  @Rule
  public final transient TestPipeline p =
      TestPipeline.fromOptions(
          PipelineOptionsFactory.fromArgs("--runner=TestSamzaRunner", "--parallelism=2").create());

  private PCollection<KV<Integer, Iterable<Long>>> groups() {
    return p.apply(GenerateSequence.from(0).to((long) PER_KEY * KEYS))
        .apply(
            MapElements.into(
                    TypeDescriptors.kvs(TypeDescriptors.integers(), TypeDescriptors.longs()))
                .via(i -> KV.of((int) (i % KEYS), i)))
        .setCoder(KvCoder.of(VarIntCoder.of(), VarLongCoder.of()))
        .apply(GroupByKey.create());
  }

  /** "key:count:sum" of key {@code k}'s values, by plain arithmetic. */
  private static String expected(int k) {
    long sum = 0;
    for (long i = k; i < (long) PER_KEY * KEYS; i += KEYS) {
      sum += i;
    }
    return k + ":" + PER_KEY + ":" + sum;
  }

  private static String summary(int key, Iterable<Long> values) {
    long count = 0;
    long sum = 0;
    for (long v : values) {
      count++;
      sum += v;
    }
    return key + ":" + count + ":" + sum;
  }

  @Test
  public void pushedBackGroupsKeepTheirValues() {
    PCollection<KV<Integer, Iterable<Long>>> groups = groups();
    // Derived from the groups themselves, through another exchange: it cannot be ready when a
    // group reaches the ParDo, so every group is pushed back and processed after its clear.
    PCollectionView<Long> groupCount = groups.apply(Count.globally()).apply(View.asSingleton());
    PCollection<String> out =
        groups.apply(
            ParDo.of(
                    new DoFn<KV<Integer, Iterable<Long>>, String>() {
                      @ProcessElement
                      public void process(ProcessContext c) {
                        c.output(
                            summary(c.element().getKey(), c.element().getValue())
                                + " of "
                                + c.sideInput(groupCount));
                      }
                    })
                .withSideInputs(groupCount));
    PAssert.that(out).containsInAnyOrder(expected(0) + " of 2", expected(1) + " of 2");
    p.run();
  }

  /** Keeps every input Iterable in its accumulator, as View.asSingleton's combiner keeps its. */
  static final class KeepIterables
      extends Combine.CombineFn<Iterable<Long>, List<Iterable<Long>>, List<String>> {
    @Override
    public List<Iterable<Long>> createAccumulator() {
      return new ArrayList<>();
    }

    @Override
    public List<Iterable<Long>> addInput(List<Iterable<Long>> acc, Iterable<Long> input) {
      acc.add(input);
      return acc;
    }

    @Override
    public List<Iterable<Long>> mergeAccumulators(Iterable<List<Iterable<Long>>> accs) {
      List<Iterable<Long>> out = new ArrayList<>();
      accs.forEach(out::addAll);
      return out;
    }

    @Override
    public List<String> extractOutput(List<Iterable<Long>> acc) {
      List<String> out = new ArrayList<>();
      for (Iterable<Long> values : acc) {
        out.add(summary(values.iterator().next().intValue() % KEYS, values));
      }
      return out;
    }

    @Override
    public Coder<List<Iterable<Long>>> getAccumulatorCoder(
        CoderRegistry registry, Coder<Iterable<Long>> inputCoder) {
      return ListCoder.of(IterableCoder.of(VarLongCoder.of()));
    }
  }

  @Test
  public void groupsKeptByACombinerKeepTheirValues() {
    PCollection<List<String>> out =
        groups()
            .apply(Values.create())
            .apply(Combine.globally(new KeepIterables()).withoutDefaults());
    PAssert.that(out)
        .satisfies(
            lists -> {
              List<String> all = new ArrayList<>();
              lists.forEach(all::addAll);
              all.sort(null);
              if (!all.equals(List.of(expected(0), expected(1)))) {
                throw new AssertionError("got " + all);
              }
              return null;
            });
    p.run();
  }
}
