package org.beamsamza.state.beam;

import static org.junit.Assert.assertNull;
import static org.junit.Assert.assertSame;

import org.apache.beam.runners.core.InMemoryStateInternals;
import org.apache.beam.runners.core.StateNamespace;
import org.apache.beam.runners.core.StateNamespaces;
import org.apache.beam.runners.core.StateTags;
import org.apache.beam.sdk.coders.VarIntCoder;
import org.apache.beam.sdk.state.State;
import org.apache.beam.sdk.state.ValueState;
import org.apache.beam.sdk.transforms.windowing.IntervalWindow;
import org.joda.time.Instant;
import org.junit.Test;

/** RecentStateCells: equal namespaces and ids find their cell; the oldest goes first; clear. */
public class RecentStateCellsTest {
  private static StateNamespace window(long start) {
    return StateNamespaces.window(
        IntervalWindow.getCoder(), new IntervalWindow(new Instant(start), new Instant(start + 10)));
  }

  private static State cell(String id) {
    ValueState<Integer> v =
        InMemoryStateInternals.forKey("k")
            .state(StateNamespaces.global(), StateTags.value(id, VarIntCoder.of()));
    return v;
  }

  @Test
  public void findsByEqualNamespaceAndIdForgetsTheOldestAndClears() {
    RecentStateCells cells = new RecentStateCells();
    State a = cell("a");
    cells.remember(window(0), "a", a);
    // a new but equal namespace, as runners-core builds one per call
    assertSame(a, cells.find(window(0), "a"));
    assertNull(cells.find(window(10), "a"));
    assertNull(cells.find(window(0), "b"));

    for (int i = 1; i < RecentStateCells.SIZE; i++) {
      cells.remember(window(0), "id" + i, cell("id" + i));
    }
    assertSame(a, cells.find(window(0), "a"));
    cells.remember(window(0), "one too many", cell("x"));
    assertNull("the oldest is forgotten", cells.find(window(0), "a"));
    State last = cells.find(window(0), "one too many");
    assertSame(last, cells.find(window(0), "one too many"));

    cells.clear();
    assertNull(cells.find(window(0), "one too many"));
  }
}
