package org.beamsamza.state.kv.internals;

import java.util.ArrayList;
import java.util.List;
import org.beamsamza.state.kv.ChangelogWriter;
import org.beamsamza.state.kv.Entry;

/** A changelog that records writes and flushes, optionally into a shared event log. */
final class RecordingChangelogWriter implements ChangelogWriter {
  final List<Entry> records = new ArrayList<>();
  final List<String> events;
  int flushes;

  RecordingChangelogWriter(List<String> events) {
    this.events = events;
  }

  @Override
  public void write(byte[] key, byte[] valueOrNullForTombstone) {
    records.add(new Entry(key, valueOrNullForTombstone));
    events.add("changelog.write");
  }

  @Override
  public void flush() {
    flushes++;
    events.add("changelog.flush");
  }
}
