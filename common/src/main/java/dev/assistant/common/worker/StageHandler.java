package dev.assistant.common.worker;

import com.google.protobuf.Message;
import com.google.protobuf.Parser;
import dev.assistant.internal.v1.CatalogRecord;
import java.time.Instant;
import java.util.Optional;

/**
 * What a stage does with its input records. Implementations see protobuf messages and a {@link
 * StageContext}; they never see Kafka types. The worker loop owns consumers, producers,
 * transactions, retries and the dead-letter topic.
 *
 * <p>Records of one request are delivered in order, one at a time, on one thread; records of
 * different requests may be handled concurrently (up to the configured concurrency), so an
 * implementation that keeps per-request state must keep it per request ID.
 *
 * @param <I> input record type
 */
public interface StageHandler<I extends Message> {

  /** Parser of the input topic's values. */
  Parser<I> parser();

  /** Absolute deadline carried by a record, if any; expired requests are skipped and reported. */
  default Optional<Instant> deadline(I record) {
    return Optional.empty();
  }

  /**
   * Where this record's output sequence numbers start, or -1 to continue after the previous output
   * of the request. Stages whose request spans several independent records (one sentence per
   * record) use it so that a replay of any record reproduces the same sequence numbers.
   */
  default long sequenceBase(I record) {
    return -1;
  }

  /**
   * Handles one record.
   *
   * @return true when the request is complete with this record, so the offsets of all its records
   *     may be committed; false when more records of the request are expected (for example audio
   *     chunks before the last one)
   * @throws InvalidInputException for input that will never succeed: dead-lettered at once
   * @throws Exception anything else is retried with backoff, then dead-lettered
   */
  boolean handle(I record, StageContext context) throws Exception;

  /**
   * What this stage serves (model, languages, voices), announced on the catalog topic when the
   * worker starts so that gateways can refuse what no worker could serve. The worker fills in the
   * stage and its instance ID.
   */
  default CatalogRecord.Builder catalog() {
    return CatalogRecord.newBuilder();
  }

  /**
   * Forgets the state of a request whose processing was abandoned (dead-lettered, cancelled, or its
   * partition moved to another worker). Called on the request's thread.
   */
  default void discard(String requestId) {}
}
