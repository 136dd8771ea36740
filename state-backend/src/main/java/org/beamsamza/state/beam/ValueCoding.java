package org.beamsamza.state.beam;

import java.io.IOException;
import org.apache.beam.sdk.coders.Coder;
import org.beamsamza.runtime.io.ByteArrayInput;
import org.beamsamza.runtime.io.ByteArrayOutput;

/**
 * Encodes and decodes state values as {@code CoderUtils.encodeToByteArray} and {@code
 * decodeFromByteArray} do (the outer context; a decode must consume every byte), through streams
 * that are neither synchronized nor wrapped: Beam's varint and string coders write and read a byte
 * at a time, and through {@code ByteArrayOutputStream}'s synchronized {@code write(int)} behind a
 * filter stream that cost more than the store lookup of a small value. One instance per thread of
 * use (it reuses its output buffer).
 */
@SuppressWarnings("deprecation") // the outer context, as CoderUtils encodes state values
final class ValueCoding {
  private final ByteArrayOutput out = new ByteArrayOutput(0); // grown on first use

  <T> byte[] encode(Coder<T> coder, T value) {
    out.reset();
    try {
      coder.encode(value, out, Coder.Context.OUTER);
    } catch (IOException e) {
      throw new IllegalStateException("cannot encode state value with " + coder, e);
    }
    return out.toByteArray();
  }

  <T> T decode(Coder<T> coder, byte[] bytes) {
    return decode(coder, bytes, 0);
  }

  /** Decodes {@code bytes} from {@code offset} to the end. */
  <T> T decode(Coder<T> coder, byte[] bytes, int offset) {
    ByteArrayInput in = new ByteArrayInput(bytes, offset);
    T value;
    try {
      value = coder.decode(in, Coder.Context.OUTER);
    } catch (IOException e) {
      throw new IllegalStateException("cannot decode state value with " + coder, e);
    }
    if (in.position() != bytes.length) {
      throw new IllegalStateException(
          "cannot decode state value with "
              + coder
              + ": "
              + (bytes.length - in.position())
              + " of "
              + (bytes.length - offset)
              + " bytes left over");
    }
    return value;
  }
}
