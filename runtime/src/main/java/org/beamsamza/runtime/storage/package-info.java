/**
 * Task-local storage as the container manages it: the {@link
 * org.beamsamza.runtime.storage.StorageEngine} SPI (restore, flush at commit, stop) and the
 * per-task store manager. Store implementations (RocksDB, in-memory, decorators) live in the
 * state-backend module; the runtime knows only this SPI, as Samza's container does.
 */
package org.beamsamza.runtime.storage;
