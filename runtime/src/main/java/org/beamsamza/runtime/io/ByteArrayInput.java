package org.beamsamza.runtime.io;

import java.io.InputStream;

/**
 * An input stream over a byte array without {@code ByteArrayInputStream}'s synchronized methods
 * (decoders of varints and fixed-width numbers read a byte at a time). Not thread-safe.
 */
public final class ByteArrayInput extends InputStream {
  private final byte[] buf;
  private final int end;
  private int pos;

  /** Reads {@code buf} from {@code offset} to its end. */
  public ByteArrayInput(byte[] buf, int offset) {
    this.buf = buf;
    this.pos = offset;
    this.end = buf.length;
  }

  @Override
  public int read() {
    return pos < end ? buf[pos++] & 0xFF : -1;
  }

  @Override
  public int read(byte[] b, int off, int len) {
    if (len == 0) {
      return 0;
    }
    int n = Math.min(len, end - pos);
    if (n <= 0) {
      return -1;
    }
    System.arraycopy(buf, pos, b, off, n);
    pos += n;
    return n;
  }

  @Override
  public long skip(long n) {
    long k = Math.max(0, Math.min(n, end - pos));
    pos += (int) k;
    return k;
  }

  @Override
  public int available() {
    return end - pos;
  }

  /** The index of the next byte to read. */
  public int position() {
    return pos;
  }
}
