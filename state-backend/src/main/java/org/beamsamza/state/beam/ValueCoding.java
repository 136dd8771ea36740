package org.beamsamza.state.beam;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.Arrays;
import org.apache.beam.sdk.coders.Coder;

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
  private final Output out = new Output();

  <T> byte[] encode(Coder<T> coder, T value) {
    out.count = 0;
    try {
      coder.encode(value, out, Coder.Context.OUTER);
    } catch (IOException e) {
      throw new IllegalStateException("cannot encode state value with " + coder, e);
    }
    return Arrays.copyOf(out.buf, out.count);
  }

  <T> T decode(Coder<T> coder, byte[] bytes) {
    return decode(coder, bytes, 0);
  }

  /** Decodes {@code bytes} from {@code offset} to the end. */
  <T> T decode(Coder<T> coder, byte[] bytes, int offset) {
    Input in = new Input(bytes, offset);
    T value;
    try {
      value = coder.decode(in, Coder.Context.OUTER);
    } catch (IOException e) {
      throw new IllegalStateException("cannot decode state value with " + coder, e);
    }
    if (in.pos != bytes.length) {
      throw new IllegalStateException(
          "cannot decode state value with "
              + coder
              + ": "
              + (bytes.length - in.pos)
              + " of "
              + (bytes.length - offset)
              + " bytes left over");
    }
    return value;
  }

  private static final class Output extends OutputStream {
    byte[] buf = new byte[0]; // grown on first use: a key's state may never encode
    int count;

    private void ensure(int more) {
      if (count + more > buf.length) {
        buf = Arrays.copyOf(buf, Math.max(Math.max(32, buf.length * 2), count + more));
      }
    }

    @Override
    public void write(int b) {
      ensure(1);
      buf[count++] = (byte) b;
    }

    @Override
    public void write(byte[] b, int off, int len) {
      ensure(len);
      System.arraycopy(b, off, buf, count, len);
      count += len;
    }
  }

  private static final class Input extends InputStream {
    private final byte[] buf;
    int pos;

    Input(byte[] buf, int pos) {
      this.buf = buf;
      this.pos = pos;
    }

    @Override
    public int read() {
      return pos < buf.length ? buf[pos++] & 0xFF : -1;
    }

    @Override
    public int read(byte[] b, int off, int len) {
      if (len == 0) {
        return 0;
      }
      int n = Math.min(len, buf.length - pos);
      if (n <= 0) {
        return -1;
      }
      System.arraycopy(buf, pos, b, off, n);
      pos += n;
      return n;
    }

    @Override
    public long skip(long n) {
      long k = Math.max(0, Math.min(n, buf.length - pos));
      pos += (int) k;
      return k;
    }

    @Override
    public int available() {
      return buf.length - pos;
    }
  }
}
