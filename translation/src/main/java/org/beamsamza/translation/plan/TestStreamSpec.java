package org.beamsamza.translation.plan;

import java.io.IOException;
import java.io.Serializable;
import org.apache.beam.sdk.coders.Coder;
import org.apache.beam.sdk.testing.TestStream;
import org.apache.beam.sdk.util.CoderUtils;

/**
 * A TestStream source stream: the step and its script of events. The events are kept encoded with
 * Beam's {@link TestStream.TestStreamCoder} (their element type need not be Java-serializable), so
 * every container decodes its own copy.
 */
public record TestStreamSpec(String stepName, Coder<?> valueCoder, byte[] encodedEvents)
    implements Serializable {

  public static <T> TestStreamSpec of(String stepName, TestStream<T> testStream) {
    try {
      return new TestStreamSpec(
          stepName,
          testStream.getValueCoder(),
          CoderUtils.encodeToByteArray(
              TestStream.TestStreamCoder.of(testStream.getValueCoder()), testStream));
    } catch (IOException e) {
      throw new IllegalArgumentException(
          "Cannot encode the events of TestStream " + stepName + ": " + e.getMessage(), e);
    }
  }

  /** The TestStream with its events, decoded anew. */
  @SuppressWarnings({"unchecked", "rawtypes"})
  public TestStream<?> decode() {
    try {
      return (TestStream<?>)
          CoderUtils.decodeFromByteArray(
              TestStream.TestStreamCoder.of((Coder) valueCoder), encodedEvents);
    } catch (IOException e) {
      throw new IllegalStateException(
          "Cannot decode the events of TestStream " + stepName + ": " + e.getMessage(), e);
    }
  }
}
