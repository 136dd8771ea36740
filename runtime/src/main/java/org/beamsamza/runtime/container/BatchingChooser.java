package org.beamsamza.runtime.container;

import java.util.Objects;
import org.beamsamza.runtime.system.IncomingMessageEnvelope;
import org.beamsamza.runtime.system.SystemStreamPartition;

/**
 * Serves up to {@code batchSize} messages of one partition in a row before the wrapped chooser
 * picks again (Samza's {@code task.consumer.batch.size}): fewer switches between partitions, so a
 * task's state and caches stay warm for one partition's run of messages. The container offers a
 * partition's next message right after its previous one was chosen, so the batch continues for as
 * long as that partition has messages buffered.
 */
final class BatchingChooser implements MessageChooser {
  private final MessageChooser inner;
  private final int batchSize;
  private SystemStreamPartition current;
  private int servedInBatch;
  private IncomingMessageEnvelope next;

  BatchingChooser(MessageChooser inner, int batchSize) {
    this.inner = Objects.requireNonNull(inner);
    if (batchSize < 1) {
      throw new IllegalArgumentException("batch size must be at least 1, was " + batchSize);
    }
    this.batchSize = batchSize;
  }

  @Override
  public void register(SystemStreamPartition ssp) {
    inner.register(ssp);
  }

  @Override
  public void update(IncomingMessageEnvelope envelope) {
    if (next == null
        && servedInBatch < batchSize
        && envelope.getSystemStreamPartition().equals(current)) {
      next = envelope; // the batch goes on
    } else {
      inner.update(envelope);
    }
  }

  @Override
  public IncomingMessageEnvelope choose() {
    if (next != null) {
      IncomingMessageEnvelope e = next;
      next = null;
      servedInBatch++;
      return e;
    }
    IncomingMessageEnvelope e = inner.choose();
    if (e != null) {
      current = e.getSystemStreamPartition();
      servedInBatch = 1;
    }
    return e;
  }

  @Override
  public void onEndOfStream(SystemStreamPartition ssp) {
    inner.onEndOfStream(ssp);
  }
}
