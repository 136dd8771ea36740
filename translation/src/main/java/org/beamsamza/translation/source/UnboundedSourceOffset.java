package org.beamsamza.translation.source;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Base64;
import java.util.Comparator;
import java.util.List;

/**
 * Offsets of an unbounded source partition: {@code <seq>:<markId>:<marks>}. {@code seq} numbers the
 * partition's envelopes (it orders offsets and goes on across restarts); {@code markId} numbers the
 * checkpoint marks the partition took ({@code -1}: none yet, read from the start); {@code marks} is
 * that mark of every split of the partition, each encoded with its source's checkpoint-mark coder,
 * as Base64 (which has no ':'). A restart resumes each split's reader from its mark.
 */
final class UnboundedSourceOffset {
  static final long NO_MARK = -1;

  static final Comparator<String> ORDER = Comparator.comparingLong(UnboundedSourceOffset::seq);

  private UnboundedSourceOffset() {}

  static String of(long seq, String markSuffix) {
    return seq + ":" + markSuffix;
  }

  /** The {@code <markId>:<marks>} part of an offset with no mark yet. */
  static String noMark() {
    return NO_MARK + ":";
  }

  static String markSuffix(long markId, List<byte[]> marks) {
    return markId + ":" + encodeMarks(marks);
  }

  static long seq(String offset) {
    return Long.parseLong(offset, 0, colon(offset, 0), 10);
  }

  static long markId(String offset) {
    int first = colon(offset, 0);
    return Long.parseLong(offset, first + 1, colon(offset, first + 1), 10);
  }

  /** The {@code <markId>:<marks>} part. */
  static String markSuffix(String offset) {
    return offset.substring(colon(offset, 0) + 1);
  }

  /** The encoded mark of each split, or null when the offset has no mark. */
  static List<byte[]> marks(String offset) {
    if (markId(offset) == NO_MARK) {
      return null;
    }
    int second = colon(offset, colon(offset, 0) + 1);
    return decodeMarks(Base64.getDecoder().decode(offset.substring(second + 1)));
  }

  /** The offset right after {@code offset}: the next envelope, resuming from the same marks. */
  static String after(String offset) {
    return of(seq(offset) + 1, markSuffix(offset));
  }

  private static int colon(String offset, int from) {
    int i = offset.indexOf(':', from);
    if (i < 0) {
      throw new IllegalArgumentException("Not an unbounded source offset: " + offset);
    }
    return i;
  }

  private static String encodeMarks(List<byte[]> marks) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (DataOutputStream out = new DataOutputStream(bytes)) {
      out.writeInt(marks.size());
      for (byte[] mark : marks) {
        out.writeInt(mark.length);
        out.write(mark);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return Base64.getEncoder().encodeToString(bytes.toByteArray());
  }

  private static List<byte[]> decodeMarks(byte[] encoded) {
    try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(encoded))) {
      int count = in.readInt();
      byte[][] marks = new byte[count][];
      for (int i = 0; i < count; i++) {
        marks[i] = new byte[in.readInt()];
        in.readFully(marks[i]);
      }
      return List.of(marks);
    } catch (IOException e) {
      throw new IllegalArgumentException("Corrupt checkpoint marks in an unbounded offset", e);
    }
  }
}
