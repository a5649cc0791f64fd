package dev.assistant.common.worker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Parser;
import com.google.protobuf.Timestamp;
import com.google.protobuf.util.Timestamps;
import dev.assistant.api.v1.Stage;
import dev.assistant.internal.v1.DeadLetter;
import dev.assistant.internal.v1.StageOutput;
import dev.assistant.internal.v1.TokenDelta;
import dev.assistant.internal.v1.TtsRequestRecord;
import io.grpc.Status;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.MockConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.record.TimestampType;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The worker's record policy and transactions, on Kafka's in-memory clients: what each committed
 * transaction carried is compared with what the policy promises.
 */
class StageWorkerTest {
  private static final String INPUT = "tts.requests";
  private static final String OUTPUT = "audio.out";
  private static final String DLQ = "dlq";
  private static final TopicPartition PARTITION = new TopicPartition(INPUT, 0);

  /** Emits one output per character, then a last marker; "bad" is invalid input. */
  static final class CharHandler implements StageHandler<TtsRequestRecord> {
    final Map<String, AtomicInteger> calls = new ConcurrentHashMap<>();

    @Override
    public Parser<TtsRequestRecord> parser() {
      return TtsRequestRecord.parser();
    }

    @Override
    public Optional<Instant> deadline(TtsRequestRecord record) {
      return record.hasDeadline()
          ? Optional.of(Instant.ofEpochMilli(Timestamps.toMillis(record.getDeadline())))
          : Optional.empty();
    }

    @Override
    public boolean handle(TtsRequestRecord record, StageContext context) throws Exception {
      calls.computeIfAbsent(record.getRequestId(), k -> new AtomicInteger()).incrementAndGet();
      if (record.getText().equals("bad")) {
        throw new InvalidInputException("text 'bad' is not allowed");
      }
      for (char c : record.getText().toCharArray()) {
        context.emit(
            StageOutput.newBuilder()
                .setToken(TokenDelta.newBuilder().setText(String.valueOf(c)).setTokenCount(1)));
      }
      context.emit(StageOutput.newBuilder().setLast(true).setToken(TokenDelta.newBuilder()));
      return true;
    }

    int callsOf(String requestId) {
      AtomicInteger n = calls.get(requestId);
      return n == null ? 0 : n.get();
    }
  }

  /**
   * A MockConsumer returns at once when it has nothing, and forgets a record once polled; a
   * broker's consumer waits for records and fetches them again after a seek back. This one does
   * both (the wait is short, only so that the loop does not spin through the test).
   */
  static final class WaitingConsumer extends MockConsumer<String, byte[]> {
    private final List<ConsumerRecord<String, byte[]>> log = new ArrayList<>();

    WaitingConsumer() {
      super("earliest");
    }

    synchronized void append(ConsumerRecord<String, byte[]> record) {
      log.add(record);
      addRecord(record);
    }

    @Override
    public synchronized void seek(TopicPartition partition, long offset) {
      super.seek(partition, offset);
      redeliverFrom(partition, offset);
    }

    @Override
    public synchronized void seekToBeginning(Collection<TopicPartition> partitions) {
      super.seekToBeginning(partitions);
      partitions.forEach(p -> redeliverFrom(p, 0));
    }

    private void redeliverFrom(TopicPartition partition, long offset) {
      for (ConsumerRecord<String, byte[]> r : log) {
        if (r.topic().equals(partition.topic())
            && r.partition() == partition.partition()
            && r.offset() >= offset) {
          addRecord(r);
        }
      }
    }

    @Override
    public ConsumerRecords<String, byte[]> poll(Duration timeout) {
      ConsumerRecords<String, byte[]> records = super.poll(timeout);
      if (records.isEmpty() && !timeout.isZero()) {
        try {
          Thread.sleep(Math.min(timeout.toMillis(), 5));
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
      return records;
    }
  }

  /** What one committed transaction carried. */
  record Transaction(
      List<ProducerRecord<String, byte[]>> records,
      Map<TopicPartition, OffsetAndMetadata> offsets) {

    List<StageOutput> outputs() {
      return records.stream()
          .filter(r -> r.topic().equals(OUTPUT))
          .map(r -> parse(StageOutput.parser(), r.value()))
          .toList();
    }

    List<DeadLetter> deadLetters() {
      return records.stream()
          .filter(r -> r.topic().equals(DLQ))
          .map(r -> parse(DeadLetter.parser(), r.value()))
          .toList();
    }
  }

  /** A MockProducer that keeps each committed transaction whole. */
  static final class RecordingProducer extends MockProducer<String, byte[]> {
    final List<Transaction> committed = new CopyOnWriteArrayList<>();

    RecordingProducer() {
      super(true, null, new StringSerializer(), new ByteArraySerializer());
    }

    @Override
    public void commitTransaction() {
      List<ProducerRecord<String, byte[]>> records = uncommittedRecords();
      Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
      uncommittedOffsets().values().forEach(offsets::putAll);
      super.commitTransaction();
      committed.add(new Transaction(records, offsets));
    }
  }

  private final WaitingConsumer consumer = new WaitingConsumer();
  private final List<RecordingProducer> producers = new CopyOnWriteArrayList<>();
  private final Set<String> cancelled = ConcurrentHashMap.newKeySet();
  private final CharHandler handler = new CharHandler();
  private StageWorker<TtsRequestRecord> worker;
  private long nextOffset;

  @BeforeEach
  void start() {
    KafkaClients clients =
        new KafkaClients() {
          @Override
          public Consumer<String, byte[]> consumer() {
            return consumer;
          }

          @Override
          public Producer<String, byte[]> producer() {
            RecordingProducer p = new RecordingProducer();
            producers.add(p);
            return p;
          }
        };
    // A long flush interval: a transaction commits when the worker goes idle, so each request
    // handled alone lands in exactly one transaction.
    WorkerSettings settings =
        new WorkerSettings(
            Stage.STAGE_TTS,
            INPUT,
            OUTPUT,
            DLQ,
            "control",
            "tts-worker",
            "tts-unit",
            2,
            4,
            Duration.ofSeconds(60),
            500,
            3,
            Duration.ofMillis(5),
            Duration.ofSeconds(5));
    // The rebalance runs inside a poll, on the loop thread, as a broker's assignment would.
    consumer.schedulePollTask(
        () -> {
          consumer.updateBeginningOffsets(Map.of(PARTITION, 0L));
          consumer.rebalance(List.of(PARTITION));
        });
    worker = new StageWorker<>(settings, clients, handler, cancelled::contains).start();
    await(() -> consumer.assignment().contains(PARTITION), "partition assigned");
  }

  @AfterEach
  void stop() {
    worker.close();
  }

  @Test
  void aRecordsOutputsAndItsOffsetAreCommittedInOneTransaction() {
    send(request("r1", "ab"));

    Transaction tx = transactionCommitting(1);
    List<StageOutput> outputs = tx.outputs();
    assertEquals(3, outputs.size(), "two characters and the last marker");
    assertEquals(List.of("a", "b", ""), outputs.stream().map(o -> o.getToken().getText()).toList());
    for (int i = 0; i < outputs.size(); i++) {
      StageOutput o = outputs.get(i);
      assertEquals("r1", o.getRequestId());
      assertEquals(Stage.STAGE_TTS, o.getStage());
      assertEquals(i, o.getSeq());
      assertEquals(i == outputs.size() - 1, o.getLast());
    }
    assertTrue(tx.deadLetters().isEmpty());
    assertEquals(1, handler.callsOf("r1"));
  }

  @Test
  void invalidInputIsDeadLetteredInTheTransactionThatCommitsItsOffset() {
    send(request("r2", "bad"));

    Transaction tx = transactionCommitting(1);
    List<DeadLetter> letters = tx.deadLetters();
    assertEquals(1, letters.size());
    DeadLetter letter = letters.get(0);
    assertEquals("r2", letter.getRequestId());
    assertEquals(Status.Code.INVALID_ARGUMENT.value(), letter.getCode());
    assertTrue(letter.getReason().contains("not allowed"), letter.getReason());
    assertEquals(INPUT, letter.getTopic());
    assertEquals(0, letter.getOffset());
    assertEquals(1, letter.getAttempts(), "invalid input is never retried");
    assertEquals(
        request("r2", "bad"), parse(TtsRequestRecord.parser(), letter.getValue().toByteArray()));

    StageOutput error = single(tx.outputs());
    assertTrue(error.getLast());
    assertEquals(Status.Code.INVALID_ARGUMENT.value(), error.getError().getCode());
    assertEquals(1, handler.callsOf("r2"));
    assertEquals(1, allTransactions().stream().mapToInt(t -> t.deadLetters().size()).sum());
  }

  @Test
  void aCancelledRequestIsSkippedAndReportedAsCancelled() {
    cancelled.add("r3");
    send(request("r3", "abc"));

    Transaction tx = transactionCommitting(1);
    StageOutput error = single(tx.outputs());
    assertEquals("r3", error.getRequestId());
    assertTrue(error.getLast());
    assertEquals(Status.Code.CANCELLED.value(), error.getError().getCode());
    assertEquals(0, handler.callsOf("r3"), "the handler never saw the cancelled request");
    assertTrue(tx.deadLetters().isEmpty());
  }

  @Test
  void aRequestPastItsDeadlineIsReportedAsExpired() {
    Instant past = Instant.now().minusSeconds(5);
    send(
        request("r4", "abc").toBuilder()
            .setDeadline(Timestamps.fromMillis(past.toEpochMilli()))
            .build());

    Transaction tx = transactionCommitting(1);
    StageOutput error = single(tx.outputs());
    assertEquals("r4", error.getRequestId());
    assertTrue(error.getLast());
    assertEquals(Status.Code.DEADLINE_EXCEEDED.value(), error.getError().getCode());
    assertTrue(error.getError().getMessage().contains("deadline"), error.getError().getMessage());
    assertEquals(0, handler.callsOf("r4"));
  }

  @Test
  void anUnreadableDeadlineIsDeadLetteredInsteadOfHoldingThePartition() {
    send(
        request("r8", "abc").toBuilder()
            .setDeadline(Timestamp.newBuilder().setSeconds(Long.MAX_VALUE))
            .build());

    Transaction tx = transactionCommitting(1);
    DeadLetter letter = single(tx.deadLetters());
    assertEquals(Status.Code.INVALID_ARGUMENT.value(), letter.getCode());
    assertTrue(letter.getReason().startsWith("deadline:"), letter.getReason());
    assertEquals(0, handler.callsOf("r8"));
    send(request("r9", "d"));
    assertEquals(2, transactionCommitting(2).outputs().size(), "the partition goes on");
  }

  @Test
  void laterRequestsCommitTheirOwnOffsets() {
    send(request("r5", "x"));
    assertEquals(2, transactionCommitting(1).outputs().size());
    send(request("r6", "yz"));

    Transaction second = transactionCommitting(2);
    assertEquals(
        List.of("r6"),
        second.outputs().stream().map(StageOutput::getRequestId).distinct().toList());
    assertEquals(3, second.outputs().size());
  }

  @Test
  void aFencedProducerIsReplacedAndTheRequestRedoneByTheNewOne() {
    RecordingProducer first = producers.get(0);
    first.fenceProducer();
    send(request("r7", "ab"));

    Transaction tx = transactionCommitting(1);
    assertEquals(2, producers.size(), "a new producer under the same transactional ID");
    assertTrue(first.committed.isEmpty(), "the fenced producer committed nothing");
    assertTrue(producers.get(1).committed.contains(tx));
    assertEquals(
        List.of("a", "b", ""), tx.outputs().stream().map(o -> o.getToken().getText()).toList());
  }

  // ---------------------------------------------------------------------------------------------

  private static TtsRequestRecord request(String id, String text) {
    return TtsRequestRecord.newBuilder().setRequestId(id).setText(text).build();
  }

  private void send(TtsRequestRecord request) {
    byte[] value = request.toByteArray();
    consumer.append(
        new ConsumerRecord<>(
            INPUT,
            0,
            nextOffset++,
            System.currentTimeMillis(),
            TimestampType.CREATE_TIME,
            request.getRequestId().length(),
            value.length,
            request.getRequestId(),
            value,
            new RecordHeaders(),
            Optional.empty()));
  }

  private List<Transaction> allTransactions() {
    List<Transaction> all = new ArrayList<>();
    producers.forEach(p -> all.addAll(p.committed));
    return all;
  }

  /** Waits for the transaction that commits the input up to {@code nextOffset}. */
  private Transaction transactionCommitting(long nextOffset) {
    Transaction[] found = new Transaction[1];
    await(
        () -> {
          for (Transaction t : allTransactions()) {
            OffsetAndMetadata o = t.offsets().get(PARTITION);
            if (o != null && o.offset() == nextOffset) {
              found[0] = t;
              return true;
            }
          }
          return false;
        },
        "a transaction committing offset " + nextOffset);
    assertNull(worker.failure());
    assertFalse(found[0].records().isEmpty());
    return found[0];
  }

  private static <T> T single(List<T> items) {
    assertEquals(1, items.size(), items.toString());
    return items.get(0);
  }

  private static void await(BooleanSupplier condition, String what) {
    long end = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > end) {
        throw new AssertionError("timed out waiting for " + what);
      }
      try {
        Thread.sleep(5);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError(e);
      }
    }
  }

  private static <T> T parse(Parser<T> parser, byte[] bytes) {
    try {
      return parser.parseFrom(bytes);
    } catch (InvalidProtocolBufferException e) {
      throw new AssertionError(e);
    }
  }
}
