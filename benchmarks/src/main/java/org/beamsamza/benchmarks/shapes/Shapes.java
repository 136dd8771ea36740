package org.beamsamza.benchmarks.shapes;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Every shape, in the order, by name. */
public final class Shapes {
  private Shapes() {}

  public static List<Shape> all() {
    return List.of(
        new MapFilterShape(),
        new KeyedCountShape(),
        new FixedWindowsShape(),
        new SlidingTopShape(),
        new SessionWindowsShape(),
        new AuctionJoinShape(),
        new WindowedJoinShape(),
        new LargeSideInputShape(),
        new TimerStateShape(),
        new ProcessingTimeTriggerShape(),
        new DistinctKeysShape());
  }

  public static Shape named(String name) {
    for (Shape s : all()) {
      if (s.name().equals(name)) {
        return s;
      }
    }
    throw new IllegalArgumentException("no shape '" + name + "'; shapes: " + names(all()));
  }

  /** {@code all} or a comma-separated list of names. */
  public static List<Shape> parse(String list) {
    if (list.equals("all")) {
      return all();
    }
    List<Shape> shapes = new ArrayList<>();
    for (String name : list.split(",")) {
      shapes.add(named(name.trim()));
    }
    return shapes;
  }

  static List<String> names(List<Shape> shapes) {
    Map<String, Shape> byName = new LinkedHashMap<>();
    shapes.forEach(s -> byName.put(s.name(), s));
    return new ArrayList<>(byName.keySet());
  }
}
