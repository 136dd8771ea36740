package org.beamsamza.yarn;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.apache.beam.sdk.util.SerializableUtils;

/** Java serialization of what crosses process boundaries between client, AM and containers. */
public final class Wire {
  private Wire() {}

  public static byte[] toBytes(java.io.Serializable value) {
    return SerializableUtils.serializeToByteArray(value);
  }

  public static <T> T fromBytes(byte[] bytes, Class<T> type, String what) {
    Object o = SerializableUtils.deserializeFromByteArray(bytes, what);
    return type.cast(o);
  }

  /** The exception serialized, or null if it (or something it references) is not serializable. */
  public static byte[] exceptionBytes(Throwable t) {
    try {
      return SerializableUtils.serializeToByteArray(t);
    } catch (RuntimeException notSerializable) {
      return null;
    }
  }

  /**
   * The exception {@link #exceptionBytes} wrote, or, where that is missing or cannot be read here
   * (its class is not on this classpath), a RuntimeException carrying {@code text}.
   */
  public static Throwable exceptionFrom(byte[] bytes, String text) {
    if (bytes != null) {
      try {
        return (Throwable) SerializableUtils.deserializeFromByteArray(bytes, "user exception");
      } catch (RuntimeException unreadable) {
        // fall through to the text
      }
    }
    return new RuntimeException(text);
  }

  public static String stackTrace(Throwable t) {
    StringWriter out = new StringWriter();
    t.printStackTrace(new PrintWriter(out));
    return out.toString();
  }
}
