package org.beamsamza.state.beam;

import org.apache.beam.runners.core.StateInternals;
import org.apache.beam.runners.core.StateNamespace;
import org.apache.beam.runners.core.StateTag;
import org.apache.beam.sdk.state.ReadableState;
import org.apache.beam.sdk.state.State;
import org.apache.beam.sdk.state.StateContext;
import org.apache.beam.sdk.state.WatermarkHoldState;
import org.apache.beam.sdk.transforms.windowing.TimestampCombiner;
import org.joda.time.Instant;

/**
 * Decorates one key's {@link StateInternals} so that every watermark hold it writes is mirrored in
 * the step's {@link HoldIndex}.
 */
public final class HoldTrackingStateInternals implements StateInternals {
  private final StateInternals delegate;
  private final ByteKey key;
  private final HoldIndex holds;

  public HoldTrackingStateInternals(StateInternals delegate, ByteKey key, HoldIndex holds) {
    this.delegate = delegate;
    this.key = key;
    this.holds = holds;
  }

  @Override
  public Object getKey() {
    return delegate.getKey();
  }

  @Override
  @SuppressWarnings("unchecked")
  public <T extends State> T state(
      StateNamespace namespace, StateTag<T> address, StateContext<?> c) {
    T state = delegate.state(namespace, address, c);
    if (state instanceof WatermarkHoldState hold) {
      return (T) new TrackedHold(hold, NamespaceKeys.stringKey(namespace), address.getId());
    }
    return state;
  }

  private final class TrackedHold implements WatermarkHoldState {
    private final WatermarkHoldState hold;
    private final String namespace;
    private final String stateId;

    TrackedHold(WatermarkHoldState hold, String namespace, String stateId) {
      this.hold = hold;
      this.namespace = namespace;
      this.stateId = stateId;
    }

    @Override
    public void add(Instant value) {
      // The index mirrors the hold: it only changes when the combined hold does (an EARLIEST hold
      // is usually set by the first element of a pane and kept by the rest).
      Instant before = hold.read();
      hold.add(value);
      Instant after = hold.read();
      if (!after.equals(before)) {
        holds.set(key, namespace, stateId, after);
      }
    }

    @Override
    public void clear() {
      hold.clear();
      holds.set(key, namespace, stateId, null);
    }

    @Override
    public Instant read() {
      return hold.read();
    }

    @Override
    public ReadableState<Boolean> isEmpty() {
      return hold.isEmpty();
    }

    @Override
    public TimestampCombiner getTimestampCombiner() {
      return hold.getTimestampCombiner();
    }

    @Override
    public WatermarkHoldState readLater() {
      hold.readLater();
      return this;
    }
  }
}
