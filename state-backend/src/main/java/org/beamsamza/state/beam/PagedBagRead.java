package org.beamsamza.state.beam;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import org.apache.beam.sdk.coders.Coder;
import org.apache.beam.sdk.coders.CoderException;
import org.apache.beam.sdk.util.CoderUtils;
import org.beamsamza.state.kv.Entry;
import org.beamsamza.state.kv.KeyValueIterator;
import org.beamsamza.state.kv.KeyValueStore;

/**
 * What {@code BagState.read()} returns for a bag larger than one page: its elements are read from
 * the store page by page, each page a bounded range scan that resumes after the last key of the
 * previous one (and closes its store iterator before any element is handed out, so no native
 * iterator outlives a page). Every {@link #iterator()} starts a new scan, so the Iterable can be
 * iterated any number of times, as Beam allows for a GroupByKey's values.
 *
 * <p><b>Snapshot of the read.</b> Bag elements are keyed by the step's {@link ElementSequence}, so
 * every element added after the read sorts at or after the sequence number that was next at the
 * read; the scan stops there ({@code end}). So adds after {@code read()} (an accumulating pane's
 * later elements, a DoFn adding to the bag it iterates) are not seen, as Beam's {@code
 * ReadableState.read()} asks. A <b>clear</b> after the read deletes the elements this Iterable
 * reads; rather than silently returning nothing or part of them, every page first checks that the
 * bag's first element is still there (clears delete whole bags, and re-added elements never get
 * that key again) and fails with {@link IllegalStateException} if not. Whoever keeps a grouped
 * Iterable past the firing that produced it (the ParDo operators' pushed-back elements, a lifted
 * combine's accumulators) must copy it first ({@link #copy()}).
 *
 * <p>Reads see writes still in a write-back cache: a {@code CachingKeyValueStore} writes its dirty
 * entries down before every scan. Not thread-safe: the task thread, like the store.
 */
public final class PagedBagRead<T> implements Iterable<T> {
  private final KeyValueStore store;
  private final byte[] start;
  private final byte[] end;
  private final byte[] firstKey;
  private final Coder<T> coder;
  private final BagPaging paging;

  private PagedBagRead(
      KeyValueStore store,
      byte[] start,
      byte[] end,
      byte[] firstKey,
      Coder<T> coder,
      BagPaging paging) {
    this.store = store;
    this.start = start;
    this.end = end;
    this.firstKey = firstKey;
    this.coder = coder;
    this.paging = paging;
  }

  /**
   * The elements with keys in {@code [start, end)}: a list when they fit in one page, else a paged
   * Iterable over them.
   */
  static <T> Iterable<T> read(
      KeyValueStore store, byte[] start, byte[] end, Coder<T> coder, BagPaging paging) {
    Page<T> first = Page.read(store, start, end, coder, paging);
    if (first.complete) {
      return first.elements;
    }
    return new PagedBagRead<>(store, start, end, first.firstKey, coder, paging);
  }

  /**
   * Every element, read now into a list of its own: for holders that keep the Iterable past the
   * point where the bag may be cleared.
   */
  public List<T> copy() {
    List<T> out = new ArrayList<>();
    forEach(out::add);
    return out;
  }

  @Override
  public Iterator<T> iterator() {
    return new PageIterator();
  }

  @Override
  public String toString() {
    return "PagedBagRead" + paging;
  }

  private final class PageIterator implements Iterator<T> {
    private List<T> page = List.of();
    private int position;
    private byte[] resumeAt = start;
    private boolean lastPage;

    @Override
    public boolean hasNext() {
      while (position == page.size()) {
        if (lastPage) {
          return false;
        }
        fetch();
      }
      return true;
    }

    @Override
    public T next() {
      if (!hasNext()) {
        throw new NoSuchElementException();
      }
      T element = page.get(position);
      page.set(position++, null); // the page holds no element the caller has moved past
      return element;
    }

    private void fetch() {
      if (store.get(firstKey) == null) {
        throw new IllegalStateException(
            "the bag this Iterable reads was cleared after read(): a grouped Iterable (or a bag"
                + " read) was kept past the firing or clear that ends it; copy it if it must"
                + " outlive the element");
      }
      Page<T> next = Page.read(store, resumeAt, end, coder, paging);
      page = next.elements;
      position = 0;
      lastPage = next.complete;
      resumeAt = next.resumeAt;
    }
  }

  /** One bounded scan: its decoded elements, whether the range ended, where the next one starts. */
  private record Page<T>(List<T> elements, boolean complete, byte[] firstKey, byte[] resumeAt) {

    static <T> Page<T> read(
        KeyValueStore store, byte[] from, byte[] to, Coder<T> coder, BagPaging paging) {
      List<T> elements = new ArrayList<>();
      long bytes = 0;
      byte[] first = null;
      byte[] last = null;
      try (KeyValueIterator it = store.range(from, to)) {
        while (it.hasNext()) {
          if (elements.size() >= paging.pageEntries() || bytes >= paging.pageBytes()) {
            return new Page<>(elements, false, first, successor(last));
          }
          Entry e = it.next();
          if (first == null) {
            first = e.key();
          }
          last = e.key();
          bytes += e.key().length + e.value().length;
          elements.add(decode(coder, e.value()));
        }
      }
      return new Page<>(elements, true, first, null);
    }
  }

  /** The smallest key after {@code key}. */
  static byte[] successor(byte[] key) {
    return Arrays.copyOf(key, key.length + 1);
  }

  private static <T> T decode(Coder<T> coder, byte[] bytes) {
    try {
      return CoderUtils.decodeFromByteArray(coder, bytes);
    } catch (CoderException e) {
      throw new IllegalStateException("cannot decode state value with " + coder, e);
    }
  }
}
