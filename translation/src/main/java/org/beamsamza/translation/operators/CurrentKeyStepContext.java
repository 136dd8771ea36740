package org.beamsamza.translation.operators;

import java.util.HashMap;
import java.util.Map;
import org.apache.beam.runners.core.StateInternals;
import org.apache.beam.runners.core.StepContext;
import org.apache.beam.runners.core.TimerInternals;
import org.apache.beam.sdk.transforms.DoFn;
import org.beamsamza.state.beam.ByteKey;
import org.beamsamza.state.beam.StepState;
import org.joda.time.Instant;

/**
 * The {@link StepContext} of a keyed step: state and timers of whichever key the operator is
 * processing now. runners-core's stateful runner keeps the {@link TimerInternals} and {@link
 * StateInternals} it is given for its whole life (its cleanup timer and state cleaner), so what
 * this hands out are views that resolve the current key on every call.
 */
final class CurrentKeyStepContext implements StepContext {
  private final StepState state;
  private ByteKey keyBytes;
  private Object key;
  private StateInternals keyState;
  private TimerInternals keyTimers;

  private final StateInternals stateView =
      new ForwardingStateInternals() {
        @Override
        protected StateInternals delegate() {
          return current();
        }

        @Override
        public Object getKey() {
          return key; // known without building the key's state
        }
      };

  private final TimerInternals timerView =
      new ForwardingTimerInternals() {
        @Override
        protected TimerInternals delegate() {
          return timers();
        }

        // The watermarks are the step's, not the key's.
        @Override
        public Instant currentInputWatermarkTime() {
          return state.timers().inputWatermark();
        }

        @Override
        public Instant currentOutputWatermarkTime() {
          return state.timers().outputWatermark();
        }
      };

  private final DoFn.BundleFinalizer bundleFinalizer;

  CurrentKeyStepContext(StepState state, DoFn.BundleFinalizer bundleFinalizer) {
    this.state = state;
    this.bundleFinalizer = bundleFinalizer;
  }

  @Override
  public DoFn.BundleFinalizer bundleFinalizer() {
    return bundleFinalizer;
  }

  /**
   * Recently used keys' state and timer views. A key's views are views (they read and write the
   * store on every call and keep nothing of its values), so one built for an earlier element serves
   * the next element of the key as well; building them costs more than the state calls of a small
   * DoFn (runners-core's state table and a store key per cell). A map rather than a direct-mapped
   * array: two keys that collide in an array slot and alternate, as keys do, would rebuild their
   * views every time. Emptied when it reaches {@link #RECENT_KEYS} keys, so its size is bounded
   * whatever the number of keys.
   */
  static final int RECENT_KEYS = 4_096;

  private static final class KeyViews {
    StateInternals state;
    TimerInternals timers;
  }

  private final Map<ByteKey, KeyViews> recentKeys = new HashMap<>();
  private KeyViews currentViews;

  /** Makes {@code key} (encoded as {@code keyBytes}) the key that state and timers address. */
  void setCurrentKey(ByteKey keyBytes, Object key) {
    if (!keyBytes.equals(this.keyBytes)) {
      this.keyBytes = keyBytes;
      KeyViews views = recentKeys.get(keyBytes);
      if (views == null) {
        if (recentKeys.size() >= RECENT_KEYS) {
          recentKeys.clear();
        }
        views = new KeyViews();
        recentKeys.put(keyBytes, views);
      }
      currentViews = views;
      this.keyState = views.state;
      this.keyTimers = views.timers;
    }
    this.key = key;
  }

  @Override
  public StateInternals stateInternals() {
    return stateView;
  }

  @Override
  public TimerInternals timerInternals() {
    return timerView;
  }

  private StateInternals current() {
    if (keyState == null) {
      keyState = state.forKey(requireKey(), key);
      currentViews.state = keyState;
    }
    return keyState;
  }

  private TimerInternals timers() {
    if (keyTimers == null) {
      keyTimers = state.timers().forKey(requireKey());
      currentViews.timers = keyTimers;
    }
    return keyTimers;
  }

  private ByteKey requireKey() {
    if (keyBytes == null) {
      throw new IllegalStateException(
          "keyed state or timer used outside of a keyed element or timer");
    }
    return keyBytes;
  }
}
