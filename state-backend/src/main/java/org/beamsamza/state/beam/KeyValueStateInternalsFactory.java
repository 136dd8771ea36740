package org.beamsamza.state.beam;

import java.util.Objects;
import org.apache.beam.runners.core.StateInternals;
import org.apache.beam.runners.core.StateInternalsFactory;
import org.apache.beam.sdk.coders.Coder;
import org.apache.beam.sdk.coders.CoderException;
import org.apache.beam.sdk.util.CoderUtils;
import org.beamsamza.state.kv.KeyValueStore;

/**
 * Hands out {@link KeyValueStateInternals} for one step over one task store, encoding each key with
 * the step's key coder. A {@link StateInternalsFactory} because that is what runners-core's {@code
 * DoFnRunners} and {@code GroupAlsoByWindow} code ask for. State objects hold no data, so creating
 * one per key per element is cheap; everything lives in the store. Collection elements are numbered
 * by one {@link ElementSequence} of the step (opened here, which writes and flushes its epoch), so
 * create one factory per step and store.
 */
public final class KeyValueStateInternalsFactory<K> implements StateInternalsFactory<K> {

  private final KeyValueStore store;
  private final String stepId;
  private final Coder<K> keyCoder;
  private final ElementSequence sequence;

  public KeyValueStateInternalsFactory(KeyValueStore store, String stepId, Coder<K> keyCoder) {
    this.store = Objects.requireNonNull(store, "store");
    this.stepId = Objects.requireNonNull(stepId, "stepId");
    this.keyCoder = Objects.requireNonNull(keyCoder, "keyCoder");
    this.sequence = ElementSequence.open(store, stepId);
  }

  @Override
  public StateInternals stateInternalsForKey(K key) {
    byte[] encoded;
    try {
      encoded = CoderUtils.encodeToByteArray(keyCoder, key);
    } catch (CoderException e) {
      throw new IllegalArgumentException("cannot encode key with " + keyCoder, e);
    }
    return new KeyValueStateInternals(store, stepId, encoded, key, sequence);
  }
}
