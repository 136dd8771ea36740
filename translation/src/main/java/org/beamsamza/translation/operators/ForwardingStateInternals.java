package org.beamsamza.translation.operators;

import org.apache.beam.runners.core.StateInternals;
import org.apache.beam.runners.core.StateNamespace;
import org.apache.beam.runners.core.StateTag;
import org.apache.beam.sdk.state.State;
import org.apache.beam.sdk.state.StateContext;

/**
 * State that forwards every call to {@link #delegate()}, asked on every call: the view a keyed
 * step's runners-core runner keeps for its whole life while the key it addresses changes under it
 * (as {@link ForwardingTimerInternals} for timers).
 */
abstract class ForwardingStateInternals implements StateInternals {
  /** The state of the key being processed now. */
  protected abstract StateInternals delegate();

  @Override
  public Object getKey() {
    return delegate().getKey();
  }

  @Override
  public <T extends State> T state(
      StateNamespace namespace, StateTag<T> address, StateContext<?> c) {
    return delegate().state(namespace, address, c);
  }
}
