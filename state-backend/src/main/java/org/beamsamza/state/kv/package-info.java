/**
 * The task-local key-value store API that Beam state is kept in (DESIGN decisions 4 and 5).
 *
 * <p>{@link org.beamsamza.state.kv.KeyValueStore} is an ordered byte-string store; implementations
 * and decorators live in {@code internals} and are stacked as metered -> caching -> logged ->
 * RocksDB:
 *
 * <pre>{@code
 * KeyValueStore rocks = new RocksDbKeyValueStore(taskDir, RocksDbStoreConfig.defaults());
 * new ChangelogRestorer().restore(changelogRecords, rocks);   // on task start, into the bottom store
 * KeyValueStore store = new MeteredKeyValueStore(
 *     new CachingKeyValueStore(new LoggedKeyValueStore(rocks, changelogWriter), 10_000));
 * }</pre>
 */
package org.beamsamza.state.kv;
