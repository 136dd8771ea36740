package org.beamsamza.runtime.metrics;

/** How snapshots are written to and read from their stream (JSON, by the runner). */
public interface MetricsSnapshotSerde {
  byte[] toBytes(MetricsSnapshot snapshot);

  MetricsSnapshot fromBytes(byte[] bytes);
}
