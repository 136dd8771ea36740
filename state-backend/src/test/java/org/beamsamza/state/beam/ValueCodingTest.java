package org.beamsamza.state.beam;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertThrows;

import java.util.List;
import org.apache.beam.sdk.coders.Coder;
import org.apache.beam.sdk.coders.KvCoder;
import org.apache.beam.sdk.coders.ListCoder;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.coders.VarLongCoder;
import org.apache.beam.sdk.util.CoderUtils;
import org.apache.beam.sdk.values.KV;
import org.junit.Test;

public class ValueCodingTest {
  private final ValueCoding coding = new ValueCoding();

  private <T> void sameAsCoderUtils(Coder<T> coder, T value) throws Exception {
    byte[] expected = CoderUtils.encodeToByteArray(coder, value);
    byte[] encoded = coding.encode(coder, value);
    assertArrayEquals(coder + " " + value, expected, encoded);
    assertEquals(value, coding.decode(coder, encoded));
    byte[] shifted = new byte[encoded.length + 3];
    System.arraycopy(encoded, 0, shifted, 3, encoded.length);
    assertEquals(value, coding.decode(coder, shifted, 3));
  }

  @Test
  public void encodesAsCoderUtilsInTheOuterContextAndDecodesBack() throws Exception {
    sameAsCoderUtils(VarLongCoder.of(), -1L);
    sameAsCoderUtils(VarLongCoder.of(), Long.MAX_VALUE);
    sameAsCoderUtils(StringUtf8Coder.of(), ""); // the outer context: no length prefix
    sameAsCoderUtils(StringUtf8Coder.of(), "x".repeat(10_000)); // beyond the buffer's first size
    sameAsCoderUtils(
        KvCoder.of(StringUtf8Coder.of(), ListCoder.of(VarLongCoder.of())),
        KV.of("k", List.of(1L, 2L, 3L)));
    // the buffer is reused: a short value after a long one is still exactly its own bytes
    sameAsCoderUtils(StringUtf8Coder.of(), "short");
  }

  @Test
  public void bytesLeftOverAfterADecodeAreAnError() {
    byte[] twoLongs = new byte[] {1, 2};
    IllegalStateException e =
        assertThrows(IllegalStateException.class, () -> coding.decode(VarLongCoder.of(), twoLongs));
    assertThat(e.getMessage(), containsString("1 of 2 bytes left over"));
  }
}
