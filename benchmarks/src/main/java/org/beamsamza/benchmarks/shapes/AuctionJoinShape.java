package org.beamsamza.benchmarks.shapes;

import java.util.Map;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.io.GenerateSequence;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.transforms.join.CoGbkResult;
import org.apache.beam.sdk.transforms.join.CoGroupByKey;
import org.apache.beam.sdk.transforms.join.KeyedPCollectionTuple;
import org.apache.beam.sdk.transforms.windowing.Window;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.TupleTag;
import org.joda.time.Instant;

/**
 * Shape 6: two streams, auction events and bids, keyed by auction ({@value #AUCTIONS} auctions),
 * windowed by the custom merging {@link AuctionWindows}, joined with CoGroupByKey; per merged
 * window of an auction that has both, the average bid price. Events come in bursts of {@value
 * #BURST} separated by 10 minutes of event time, longer than any auction, so each burst makes new
 * windows.
 */
public final class AuctionJoinShape implements Shape {
  static final int AUCTIONS = 1_000;
  static final long BURST = 100_000;
  static final long PAUSE_MS = 600_000;
  static final TupleTag<Long> AUCTION_EVENTS = new TupleTag<>("auctions");
  static final TupleTag<Long> BIDS = new TupleTag<>("bids");

  @Override
  public String name() {
    return "auction-windows-join";
  }

  static long timestampMs(long i) {
    return i * KeyedEvents.SPACING_MS + (i / BURST) * PAUSE_MS;
  }

  /**
   * One event of an auction in ten is an auction event (its opening or an update); the rest bid.
   */
  static boolean isAuctionEvent(long i) {
    return (i / AUCTIONS) % 10 == 0;
  }

  static long price(long i) {
    return (i * 7919) % 1000;
  }

  @Override
  public void expand(Pipeline p, long events) {
    PCollection<Long> all = p.apply(GenerateSequence.from(0).to(events));
    PCollection<KV<Long, Long>> auctions =
        all.apply("AuctionEvents", ParDo.of(new Events(true)))
            .apply("WindowAuctions", Window.into(new AuctionWindows()));
    PCollection<KV<Long, Long>> bids =
        all.apply("Bids", ParDo.of(new Events(false)))
            .apply("WindowBids", Window.into(new AuctionWindows()));
    KeyedPCollectionTuple.of(AUCTION_EVENTS, auctions)
        .and(BIDS, bids)
        .apply(CoGroupByKey.create())
        .apply("AveragePrice", ParDo.of(new AveragePrice()))
        .apply(
            "Tally",
            ParDo.of(
                new Tally<KV<Long, KV<Long, Double>>>(
                    (kv, w) -> kv.getValue().getKey(),
                    (kv, w) -> (kv.getKey() + 1) * Math.round(kv.getValue().getValue() * 1000))));
  }

  @Override
  public Map<String, Long> expected(long events) {
    // sweep each auction's events in time order, closing its window when an event starts past it
    long[] end = new long[AUCTIONS];
    long[] auctionEvents = new long[AUCTIONS];
    long[] bids = new long[AUCTIONS];
    long[] priceSum = new long[AUCTIONS];
    boolean[] open = new boolean[AUCTIONS];
    long[] answer = new long[3];
    for (long i = 0; i < events; i++) {
      int a = (int) (i % AUCTIONS);
      long t = timestampMs(i);
      if (open[a] && t >= end[a]) {
        close(a, auctionEvents, bids, priceSum, answer);
        open[a] = false;
      }
      if (!open[a]) {
        open[a] = true;
        end[a] = t + AuctionWindows.lifetimeMs(a);
      }
      end[a] = Math.max(end[a], t + AuctionWindows.lifetimeMs(a));
      if (isAuctionEvent(i)) {
        auctionEvents[a]++;
      } else {
        bids[a]++;
        priceSum[a] += price(i);
      }
    }
    for (int a = 0; a < AUCTIONS; a++) {
      if (open[a]) {
        close(a, auctionEvents, bids, priceSum, answer);
      }
    }
    return ShapeCheck.answer(answer[0], answer[1], answer[2]);
  }

  private static void close(
      int a, long[] auctionEvents, long[] bids, long[] priceSum, long[] answer) {
    if (auctionEvents[a] > 0 && bids[a] > 0) {
      double average = (double) priceSum[a] / bids[a];
      answer[0]++;
      answer[1] += auctionEvents[a];
      answer[2] += (a + 1L) * Math.round(average * 1000);
    }
    auctionEvents[a] = 0;
    bids[a] = 0;
    priceSum[a] = 0;
  }

  /** The auction events ({@code KV(auction, i)}) or the bids ({@code KV(auction, price)}). */
  static final class Events extends DoFn<Long, KV<Long, Long>> {
    private final boolean auctionEvents;

    Events(boolean auctionEvents) {
      this.auctionEvents = auctionEvents;
    }

    @ProcessElement
    public void process(@Element Long i, OutputReceiver<KV<Long, Long>> out) {
      if (isAuctionEvent(i) == auctionEvents) {
        out.outputWithTimestamp(
            KV.of(i % AUCTIONS, auctionEvents ? i : price(i)), new Instant(timestampMs(i)));
      }
    }
  }

  /** {@code KV(auction, KV(auction events, average bid price))} for a window with both. */
  static final class AveragePrice extends DoFn<KV<Long, CoGbkResult>, KV<Long, KV<Long, Double>>> {
    @ProcessElement
    public void process(
        @Element KV<Long, CoGbkResult> joined, OutputReceiver<KV<Long, KV<Long, Double>>> out) {
      long auctionEvents = 0;
      for (Long ignored : joined.getValue().getAll(AUCTION_EVENTS)) {
        auctionEvents++;
      }
      long bids = 0;
      long priceSum = 0;
      for (Long price : joined.getValue().getAll(BIDS)) {
        bids++;
        priceSum += price;
      }
      if (auctionEvents > 0 && bids > 0) {
        out.output(KV.of(joined.getKey(), KV.of(auctionEvents, (double) priceSum / bids)));
      }
    }
  }
}
