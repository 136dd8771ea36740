package org.beamsamza.translation.streams;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.greaterThan;
import static org.hamcrest.Matchers.is;
import static org.junit.Assert.assertThrows;

import org.apache.beam.sdk.coders.Coder;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.coders.VarLongCoder;
import org.apache.beam.sdk.transforms.windowing.GlobalWindow;
import org.apache.beam.sdk.transforms.windowing.PaneInfo;
import org.apache.beam.sdk.values.WindowedValue;
import org.apache.beam.sdk.values.WindowedValues;
import org.joda.time.Instant;
import org.junit.Test;

public class StreamRecordsTest {
  private static final Coder<WindowedValue<Long>> CODER =
      WindowedValues.getFullCoder(VarLongCoder.of(), GlobalWindow.Coder.INSTANCE);

  @Test
  public void dataRoundTripsWithTimestampWindowAndPane() {
    WindowedValue<Long> value =
        WindowedValues.of(
            42L, new Instant(1234), GlobalWindow.INSTANCE, PaneInfo.ON_TIME_AND_ONLY_FIRING);
    byte[] bytes = StreamRecords.encodeData(CODER, value);
    assertThat(StreamRecords.isData(bytes), is(true));
    WindowedValue<Long> decoded = StreamRecords.decodeData(CODER, bytes);
    assertThat(decoded.getValue(), is(42L));
    assertThat(decoded.getTimestamp(), is(new Instant(1234)));
    assertThat(decoded.getPaneInfo(), is(PaneInfo.ON_TIME_AND_ONLY_FIRING));
  }

  @Test
  public void controlMessagesRoundTrip() {
    ControlMessage w = new ControlMessage.Watermark(3, 987654321L);
    ControlMessage e = new ControlMessage.EndOfStream(7);
    assertThat(StreamRecords.isData(StreamRecords.encodeControl(w)), is(false));
    assertThat(StreamRecords.decodeControl(StreamRecords.encodeControl(w)), is(w));
    assertThat(StreamRecords.decodeControl(StreamRecords.encodeControl(e)), is(e));
  }

  @Test
  public void anUndecodableRecordFailsNamingTheCoder() {
    byte[] garbage = {0, (byte) 0xff, (byte) 0xff, (byte) 0xff};
    UndecodableRecordException ex =
        assertThrows(
            UndecodableRecordException.class, () -> StreamRecords.decodeData(CODER, garbage));
    assertThat(ex.getMessage(), containsString("VarLongCoder"));
    assertThrows(
        UndecodableRecordException.class, () -> StreamRecords.decodeControl(new byte[] {9}));
  }

  @Test
  public void equalKeysMeetInOnePartitionAndKeysSpreadOverAll() {
    int partitions = 8;
    int[] counts = new int[partitions];
    for (int i = 0; i < 8000; i++) {
      byte[] key = StreamRecords.encodeKey(StringUtf8Coder.of(), "key-" + i);
      int p = StreamRecords.partitionFor(key, partitions);
      assertThat(StreamRecords.partitionFor(key.clone(), partitions), is(p));
      counts[p]++;
    }
    for (int c : counts) {
      assertThat(c, greaterThan(700)); // ~1000 each: no partition starves
    }
  }
}
