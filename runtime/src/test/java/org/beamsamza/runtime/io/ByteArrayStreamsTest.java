package org.beamsamza.runtime.io;

import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertEquals;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import org.junit.Test;

public class ByteArrayStreamsTest {
  @Test
  public void whatIsWrittenIsReadBackThroughGrowthAndAfterAReset() throws Exception {
    ByteArrayOutput out = new ByteArrayOutput(0);
    DataOutputStream data = new DataOutputStream(out);
    data.writeLong(-2L);
    data.write(new byte[1_000], 0, 1_000);
    data.writeUTF("é");
    data.flush();
    assertEquals(8 + 1_000 + 4, out.size());
    byte[] bytes = out.toByteArray();

    DataInputStream in = new DataInputStream(new ByteArrayInput(bytes, 0));
    assertEquals(-2L, in.readLong());
    in.readFully(new byte[1_000]);
    assertEquals("é", in.readUTF());
    assertEquals(-1, in.read());

    out.reset();
    out.write(7);
    assertArrayEquals(new byte[] {7}, out.toByteArray());
  }

  @Test
  public void readingFromAnOffsetStopsAtTheEnd() {
    ByteArrayInput in = new ByteArrayInput(new byte[] {1, 2, 3, 4}, 2);
    assertEquals(2, in.available());
    byte[] into = new byte[5];
    assertEquals(2, in.read(into, 0, 5));
    assertEquals(3, into[0]);
    assertEquals(-1, in.read(into, 0, 5));
    assertEquals(4, in.position());
    assertEquals(0, in.skip(10));
  }
}
