/**
 * Beam state on this runner's stores.
 *
 * <p>{@link org.beamsamza.state.beam.KeyValueStateInternals} (with its factory and {@link
 * org.beamsamza.state.beam.StateKeyLayout}) keeps every Beam state type of one key of one step in a
 * task's {@link org.beamsamza.state.kv.KeyValueStore}, so state is persisted in RocksDB and its
 * changelog (DESIGN decisions 4 and 5). {@link org.beamsamza.state.beam.KeyValueTimers} (timers in
 * firing, identity and output-timestamp order) and {@link
 * org.beamsamza.state.beam.KeyValueWatermarkHolds} (holds in time order) keep a step's timers and
 * watermark holds across keys in the same store; they are not used by the translation yet. {@link
 * org.beamsamza.state.beam.InMemoryKeyedStateInternals}, {@link
 * org.beamsamza.state.beam.HoldTrackingStateInternals}, {@link
 * org.beamsamza.state.beam.WatermarkHolds} and {@link org.beamsamza.state.beam.KeyedTimers} are the
 * earlier heap implementations that the translation module still uses.
 */
package org.beamsamza.state.beam;
