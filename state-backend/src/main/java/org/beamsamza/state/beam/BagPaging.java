package org.beamsamza.state.beam;

/**
 * How a bag larger than one page is read: {@code BagState.read()} returns a {@link PagedBagRead}
 * that fetches at most {@code pageEntries} entries and about {@code pageBytes} of keys and values
 * per store scan (always at least one entry), so that one key's bag, a GroupByKey's whole group,
 * need not fit on the heap. A bag that fits in one page is read into a list as before.
 */
public record BagPaging(int pageEntries, long pageBytes) {

  /** A few hundred KB per page for small elements; one element per page when they are huge. */
  public static final BagPaging DEFAULT = new BagPaging(1000, 1 << 20);

  public BagPaging {
    if (pageEntries < 1 || pageBytes < 1) {
      throw new IllegalArgumentException(
          "pageEntries and pageBytes must be >= 1: " + pageEntries + ", " + pageBytes);
    }
  }
}
