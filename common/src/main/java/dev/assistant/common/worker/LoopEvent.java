package dev.assistant.common.worker;

import java.util.List;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * What handler threads tell the loop thread. Handlers never call Kafka themselves: the consumer and
 * the transactional producer are single-threaded, so everything goes through the loop.
 */
sealed interface LoopEvent {

  /** An output to send into the open transaction, unless the partition moved away meanwhile. */
  record Output(RequestSession.Lease lease, ProducerRecord<String, byte[]> record)
      implements LoopEvent {}

  /**
   * A unit of a request is done: its records' offsets may be committed.
   *
   * @param entries the records of the unit, in order
   * @param failed the request failed; its later records are skipped
   * @param closesSession the session is forgotten; a later record of the request opens a new one
   * @param deferred records to write in the transaction that commits these records' offsets
   */
  record Finished(
      RequestSession session,
      List<PartitionProgress.Entry> entries,
      boolean failed,
      boolean closesSession,
      List<ProducerRecord<String, byte[]>> deferred)
      implements LoopEvent {}
}
