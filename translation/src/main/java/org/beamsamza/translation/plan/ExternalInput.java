package org.beamsamza.translation.plan;

import java.io.Serializable;
import java.util.List;
import org.beamsamza.translation.spi.ExternalReaderFactory;

/**
 * A read whose partitions are input partitions of an external system that the runtime consumes
 * itself (e.g. KafkaIO topics on a Kafka system): the task's consumer polls them, offsets are
 * checkpointed like any input, and {@code readerFactory} decodes them in the task. One {@code
 * ExternalInput} may cover several streams (topics); each is a {@link SourceInputSpec} of kind
 * {@link SourceInputSpec.Kind#EXTERNAL} that refers to it.
 *
 * @param outputs PCollection ids the reader emits to, by index (main output first)
 */
public record ExternalInput(
    String stepName, String system, List<String> outputs, ExternalReaderFactory readerFactory)
    implements Serializable {}
