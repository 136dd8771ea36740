package org.beamsamza.runtime.io;

import java.io.OutputStream;
import java.util.Arrays;

/**
 * A growable byte-array output stream without {@code ByteArrayOutputStream}'s synchronized methods:
 * coders that write a byte at a time (varints, lengths) pay a monitor per byte there. Reusable
 * ({@link #reset}); not thread-safe.
 */
public final class ByteArrayOutput extends OutputStream {
  private byte[] buf;
  private int count;

  public ByteArrayOutput(int initialCapacity) {
    buf = new byte[initialCapacity];
  }

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

  /** Forgets what was written, keeping the buffer. */
  public void reset() {
    count = 0;
  }

  public int size() {
    return count;
  }

  /** A copy of the bytes written. */
  public byte[] toByteArray() {
    return Arrays.copyOf(buf, count);
  }
}
