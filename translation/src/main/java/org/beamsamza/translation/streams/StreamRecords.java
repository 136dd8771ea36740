package org.beamsamza.translation.streams;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import org.apache.beam.sdk.coders.Coder;
import org.apache.beam.sdk.values.WindowedValue;
import org.beamsamza.runtime.io.ByteArrayInput;
import org.beamsamza.runtime.io.ByteArrayOutput;

/**
 * The byte layout of messages on intermediate streams (repartition and broadcast), the same on
 * every system: a one-byte kind, then the payload. Data messages carry the element (value,
 * timestamp, windows, pane) encoded with the stream's windowed-value coder; the key of a keyed
 * record travels separately as the message key (as a Kafka record key would).
 */
@SuppressWarnings("deprecation") // Coder.Context.OUTER: keys are coded as CoderUtils codes them
public final class StreamRecords {
  private static final byte DATA = 0;
  private static final byte WATERMARK = 1;
  private static final byte END_OF_STREAM = 2;

  private StreamRecords() {}

  public static <T> byte[] encodeData(Coder<WindowedValue<T>> coder, WindowedValue<T> value) {
    try {
      ByteArrayOutput out = new ByteArrayOutput(64);
      out.write(DATA);
      coder.encode(value, out);
      return out.toByteArray();
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot encode element with " + coder, e);
    }
  }

  public static byte[] encodeControl(ControlMessage message) {
    try {
      ByteArrayOutputStream bytes = new ByteArrayOutputStream(16);
      DataOutputStream out = new DataOutputStream(bytes);
      if (message instanceof ControlMessage.Watermark w) {
        out.writeByte(WATERMARK);
        out.writeInt(w.producer());
        out.writeLong(w.millis());
      } else {
        out.writeByte(END_OF_STREAM);
        out.writeInt(message.producer());
      }
      return bytes.toByteArray();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public static boolean isData(byte[] message) {
    return message.length > 0 && message[0] == DATA;
  }

  /** The element bytes of a data message: what {@link #decodeData} decodes. */
  public static byte[] dataPayload(byte[] message) {
    return java.util.Arrays.copyOfRange(message, 1, message.length);
  }

  /** Decodes a data message; fails with a message naming the coder when the bytes do not fit it. */
  public static <T> WindowedValue<T> decodeData(Coder<WindowedValue<T>> coder, byte[] message) {
    try {
      return coder.decode(new ByteArrayInput(message, 1));
    } catch (IOException | RuntimeException e) {
      throw new UndecodableRecordException(
          "Cannot decode a " + message.length + "-byte record with " + coder, e);
    }
  }

  public static ControlMessage decodeControl(byte[] message) {
    try {
      DataInputStream in = new DataInputStream(new ByteArrayInputStream(message));
      byte kind = in.readByte();
      switch (kind) {
        case WATERMARK:
          return new ControlMessage.Watermark(in.readInt(), in.readLong());
        case END_OF_STREAM:
          return new ControlMessage.EndOfStream(in.readInt());
        default:
          throw new UndecodableRecordException("Unknown stream record kind " + kind, null);
      }
    } catch (IOException e) {
      throw new UndecodableRecordException("Truncated control record", e);
    }
  }

  public static <K> byte[] encodeKey(Coder<K> keyCoder, K key) {
    try {
      ByteArrayOutput out = new ByteArrayOutput(16);
      keyCoder.encode(key, out, Coder.Context.OUTER); // as CoderUtils.encodeToByteArray
      return out.toByteArray();
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot encode key with " + keyCoder, e);
    }
  }

  public static <K> K decodeKey(Coder<K> keyCoder, byte[] bytes) {
    try {
      // as CoderUtils.decodeFromByteArray: the outer context, every byte consumed
      ByteArrayInput in = new ByteArrayInput(bytes, 0);
      K key = keyCoder.decode(in, Coder.Context.OUTER);
      if (in.available() != 0) {
        throw new UndecodableRecordException(
            "Cannot decode a key with " + keyCoder + ": " + in.available() + " bytes left over",
            null);
      }
      return key;
    } catch (IOException | RuntimeException e) {
      throw new UndecodableRecordException("Cannot decode a key with " + keyCoder, e);
    }
  }

  /** Partition of a keyed record: a hash of the encoded key, so equal keys meet in one task. */
  public static int partitionFor(byte[] keyBytes, int partitionCount) {
    // murmur3-style finalizer over Arrays.hashCode spreads short keys across partitions.
    int h = java.util.Arrays.hashCode(keyBytes);
    h ^= h >>> 16;
    h *= 0x85ebca6b;
    h ^= h >>> 13;
    h *= 0xc2b2ae35;
    h ^= h >>> 16;
    return Math.floorMod(h, partitionCount);
  }
}
