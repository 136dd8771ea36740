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

  /**
   * {@link #DEFAULT}, unless the system properties {@code beamsamza.bagPageEntries} or {@code
   * beamsamza.bagPageBytes} say otherwise: a test can then force every group of more than one
   * element through the paged path (e.g. Beam's ValidatesRunner suite with one entry per page).
   */
  public static BagPaging fromSystemProperties() {
    return new BagPaging(
        Integer.getInteger("beamsamza.bagPageEntries", DEFAULT.pageEntries()),
        Long.getLong("beamsamza.bagPageBytes", DEFAULT.pageBytes()));
  }

  public BagPaging {
    if (pageEntries < 1 || pageBytes < 1) {
      throw new IllegalArgumentException(
          "pageEntries and pageBytes must be >= 1: " + pageEntries + ", " + pageBytes);
    }
  }
}
