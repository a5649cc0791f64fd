package dev.assistant.common.worker;

import com.google.protobuf.Message;
import dev.assistant.common.kafka.KafkaSettings;
import dev.assistant.internal.v1.StageOutput;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.FencedInstanceIdException;
import org.apache.kafka.common.errors.InvalidProducerEpochException;
import org.apache.kafka.common.errors.ProducerFencedException;
import org.apache.kafka.common.errors.WakeupException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The transactional read-process-write loop of a stage.
 *
 * <p>One loop thread owns the consumer and the transactional producer; handlers run on a pool
 * ({@link KeyedExecutor}) and hand their outputs back through a queue, so every Kafka call happens
 * on the loop thread. Outputs are sent into the open transaction at once and the transaction
 * commits every flush interval (or when the worker goes idle, or after a number of records), so a
 * long request streams its outputs in small transactions. The input offset of a request is
 * committed only in the transaction that carries its last output; a worker that dies mid-request
 * leaves a committed prefix of outputs, and the next owner replays the request deterministically
 * with the same sequence numbers, which consumers drop as already seen.
 *
 * <p>This class is the loop: polling, transactions, rebalances and fencing. What happens to one
 * record on a handler thread (cancellation, deadline, retries, dead letters) is {@link
 * RecordRunner}'s.
 */
public final class StageWorker<I extends Message> implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(StageWorker.class);
  private static final int FAILED_MEMORY = 10_000;

  private final WorkerSettings settings;
  private final StageHandler<I> handler;
  private final RecordRunner<I> runner;
  private final Predicate<String> cancelled;
  private final KafkaClients clients;
  private final Consumer<String, byte[]> consumer;
  private Producer<String, byte[]> producer;
  private final java.util.ArrayDeque<Long> producerResets = new java.util.ArrayDeque<>();
  private final KeyedExecutor executor;
  private final StageMetrics metrics = StageMetrics.get();
  private final String stageLabel;
  private final BlockingQueue<LoopEvent> events = new LinkedBlockingQueue<>();
  private final Thread loop;
  private final CountDownLatch stopped = new CountDownLatch(1);
  private final CountDownLatch ready = new CountDownLatch(1);

  private volatile boolean closing;
  private volatile boolean aborting;
  private volatile boolean inPoll;
  private volatile Throwable failure;

  // Loop-thread state.
  private final Map<TopicPartition, PartitionProgress> progress = new HashMap<>();
  private final Map<TopicPartition, RequestSession.Lease> leases = new HashMap<>();
  private final Map<String, RequestSession> sessions = new HashMap<>();
  private final Set<String> failedRequests =
      java.util.Collections.newSetFromMap(
          new LinkedHashMap<>() {
            private static final long serialVersionUID = 1L;

            @Override
            protected boolean removeEldestEntry(Map.Entry<String, Boolean> eldest) {
              return size() > FAILED_MEMORY;
            }
          });
  private final Set<TopicPartition> paused = new HashSet<>();
  private boolean txOpen;
  private int sendsInTx;
  private long txStartNanos;
  private long lastLagUpdate;

  /**
   * @param settings how to run
   * @param kafka client settings
   * @param handler what to do with each record
   * @param cancelled tells whether a request was cancelled (usually a {@link CancellationRegistry})
   */
  public StageWorker(
      WorkerSettings settings,
      KafkaSettings kafka,
      StageHandler<I> handler,
      Predicate<String> cancelled) {
    this(settings, KafkaClients.of(kafka, settings), handler, cancelled);
  }

  /**
   * @param settings how to run
   * @param clients creates the consumer and the transactional producers
   * @param handler what to do with each record
   * @param cancelled tells whether a request was cancelled (usually a {@link CancellationRegistry})
   */
  public StageWorker(
      WorkerSettings settings,
      KafkaClients clients,
      StageHandler<I> handler,
      Predicate<String> cancelled) {
    this.settings = settings;
    this.handler = handler;
    this.cancelled = cancelled;
    this.clients = clients;
    this.stageLabel = WorkerSettings.stageName(settings.stage());
    this.runner = new RecordRunner<>(settings, handler, this::post);
    this.consumer = clients.consumer();
    this.producer = clients.producer();
    this.executor = new KeyedExecutor(settings.concurrency(), stageLabel + "-handler");
    this.loop = new Thread(this::runLoop, stageLabel + "-loop");
  }

  /** Starts the loop; returns once the producer is registered with the transaction coordinator. */
  public StageWorker<I> start() {
    loop.start();
    try {
      if (!ready.await(120, TimeUnit.SECONDS)) {
        throw new IllegalStateException(stageLabel + " worker did not become ready in 120 s");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    if (failure != null) {
      throw new IllegalStateException(stageLabel + " worker failed to start", failure);
    }
    return this;
  }

  /** True while the loop runs. */
  public boolean isRunning() {
    return loop.isAlive() && !closing && !aborting;
  }

  /** Why the loop stopped on its own, if it did. */
  public Throwable failure() {
    return failure;
  }

  /** Finishes running requests (up to the shutdown grace), commits and leaves the group. */
  @Override
  public void close() {
    closing = true;
    consumer.wakeup();
    awaitStop();
  }

  /**
   * Stops at once without committing anything more, as if the process died: uncommitted work is
   * redone by whichever worker takes the partitions over.
   */
  public void abort() {
    aborting = true;
    consumer.wakeup();
    awaitStop();
  }

  private void awaitStop() {
    try {
      if (!stopped.await(settings.shutdownGrace().toMillis() + 30_000, TimeUnit.MILLISECONDS)) {
        log.warn("{} worker did not stop in time", stageLabel);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Loop thread

  private void runLoop() {
    try {
      producer.initTransactions();
      consumer.subscribe(List.of(settings.inputTopic()), new Rebalance());
      ready.countDown();
      log.info(
          "{} worker {} consuming {} (group {}, concurrency {})",
          stageLabel,
          settings.instanceId(),
          settings.inputTopic(),
          settings.groupId(),
          settings.concurrency());
      while (!closing && !aborting) {
        try {
          drainEvents();
          maybeCommit(false);
          applyBackpressure();
          pollOnce();
          updateLag();
        } catch (KafkaException e) {
          if (!isFencing(e)) {
            throw e;
          }
          recoverProducer(e);
        }
      }
      if (!aborting) {
        finishGracefully();
      }
    } catch (ProducerFencedException | InvalidProducerEpochException e) {
      failure = e;
      log.error(
          "{} worker fenced again and again; another instance runs with the ID {}; stopping",
          stageLabel,
          settings.instanceId());
    } catch (FencedInstanceIdException e) {
      failure = e;
      log.error(
          "{} worker stops: another process joined the group as {} (two processes must not share"
              + " a worker.instance.id; the generated configs of run-local.sh carry the launcher's"
              + " IDs: add workers with --scale, or give each its own ID)",
          stageLabel,
          settings.instanceId());
    } catch (Throwable e) {
      failure = e;
      log.error("{} worker loop failed", stageLabel, e);
    } finally {
      ready.countDown();
      shutdownClients();
      stopped.countDown();
    }
  }

  private void pollOnce() {
    Duration timeout = Duration.ofMillis(100);
    if (txOpen) {
      long remaining = settings.flushInterval().toNanos() - (System.nanoTime() - txStartNanos);
      timeout = Duration.ofNanos(Math.max(0, Math.min(remaining, timeout.toNanos())));
    }
    Iterable<ConsumerRecord<String, byte[]>> records;
    try {
      inPoll = true;
      if (!events.isEmpty()) {
        timeout = Duration.ZERO;
      }
      records = consumer.poll(timeout);
    } catch (WakeupException e) {
      return;
    } finally {
      inPoll = false;
    }
    for (ConsumerRecord<String, byte[]> record : records) {
      accept(record);
    }
  }

  private void accept(ConsumerRecord<String, byte[]> record) {
    TopicPartition tp = new TopicPartition(record.topic(), record.partition());
    PartitionProgress p = progress.get(tp);
    RequestSession.Lease lease = leases.get(tp);
    if (p == null || lease == null) {
      return; // fetched just before a revocation; the new owner reads it again
    }
    PartitionProgress.Entry entry = p.track(record.offset());
    String key = record.key() == null ? "" : record.key();
    if (failedRequests.contains(key)) {
      entry.done = true;
      metrics.records.labelValues(stageLabel, "skipped").inc();
      return;
    }
    RequestSession session = sessions.get(key);
    if (session == null || !session.heldUnder(lease)) {
      session =
          new RequestSession(
              key,
              tp,
              lease,
              settings.stage(),
              consumer.groupMetadata().generationId(),
              Instant.ofEpochMilli(record.timestamp()),
              cancelled,
              out -> post(new LoopEvent.Output(lease, outputRecord(out))));
      sessions.put(key, session);
    }
    RequestSession s = session;
    executor.submit(key, () -> runner.run(record, s, entry));
  }

  private ProducerRecord<String, byte[]> outputRecord(StageOutput out) {
    metrics.outputs.labelValues(stageLabel).inc();
    return new ProducerRecord<>(settings.outputTopic(), out.getRequestId(), out.toByteArray());
  }

  private void post(LoopEvent event) {
    events.add(event);
    if (inPoll) {
      consumer.wakeup();
    }
  }

  private void drainEvents() {
    LoopEvent e;
    while ((e = events.poll()) != null) {
      apply(e);
    }
  }

  private void apply(LoopEvent e) {
    if (e instanceof LoopEvent.Output o) {
      if (!o.lease().isRevoked()) {
        send(o.record());
      }
    } else if (e instanceof LoopEvent.Finished f) {
      if (!f.deferred().isEmpty() && !f.session().isRevoked()) {
        if (f.entries().isEmpty()) {
          f.deferred().forEach(this::send);
        } else {
          // The last offset is the one whose commit covers every record of the request.
          f.entries().get(f.entries().size() - 1).deferred = f.deferred();
        }
      }
      for (PartitionProgress.Entry entry : f.entries()) {
        entry.done = true;
      }
      String id = f.session().requestId();
      if (f.failed()) {
        failedRequests.add(id);
      }
      if (f.closesSession() && sessions.get(id) == f.session()) {
        sessions.remove(id);
      }
    }
  }

  private void send(ProducerRecord<String, byte[]> record) {
    beginIfNeeded();
    producer.send(
        record,
        (md, ex) -> {
          if (ex != null) {
            log.warn("{} send to {} failed: {}", stageLabel, record.topic(), ex.toString());
          }
        });
    sendsInTx++;
  }

  private void beginIfNeeded() {
    if (!txOpen) {
      producer.beginTransaction();
      txOpen = true;
      sendsInTx = 0;
      txStartNanos = System.nanoTime();
    }
  }

  private Map<TopicPartition, OffsetAndMetadata> committableOffsets() {
    Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
    progress.forEach(
        (tp, p) -> {
          long next = p.advance(passed -> passed.forEach(this::send));
          if (next >= 0) {
            offsets.put(tp, new OffsetAndMetadata(next));
          }
        });
    return offsets;
  }

  private final Map<TopicPartition, OffsetAndMetadata> unsentOffsets = new HashMap<>();

  private void maybeCommit(boolean force) {
    unsentOffsets.putAll(committableOffsets());
    if (!txOpen && unsentOffsets.isEmpty()) {
      return;
    }
    boolean idle = executor.pending() == 0 && events.isEmpty();
    boolean due =
        force
            || idle
            || sendsInTx >= settings.maxRecordsPerTransaction()
            || (txOpen && System.nanoTime() - txStartNanos >= settings.flushInterval().toNanos());
    if (!due) {
      return;
    }
    commit();
  }

  private void commit() {
    beginIfNeeded();
    try {
      if (!unsentOffsets.isEmpty()) {
        producer.sendOffsetsToTransaction(new HashMap<>(unsentOffsets), consumer.groupMetadata());
      }
      producer.commitTransaction();
      metrics.transactions.labelValues(stageLabel, "committed").inc();
      unsentOffsets.clear();
    } catch (ProducerFencedException | InvalidProducerEpochException e) {
      throw e;
    } catch (KafkaException e) {
      log.warn("{} transaction failed ({}); redoing uncommitted work", stageLabel, e.toString());
      metrics.transactions.labelValues(stageLabel, "aborted").inc();
      unsentOffsets.clear();
      try {
        producer.abortTransaction();
        rewindAll();
      } catch (KafkaException abortFailure) {
        // The producer is in a state it cannot leave (a fatal error, or the broker aborted the
        // transaction for it): a new producer with the same transactional ID starts clean.
        txOpen = false;
        replaceProducer(abortFailure);
      }
    } finally {
      txOpen = false;
      sendsInTx = 0;
    }
  }

  /** Whether the producer was fenced (also when reported through a rebalance callback). */
  private static boolean isFencing(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof ProducerFencedException || t instanceof InvalidProducerEpochException) {
        return true;
      }
    }
    return false;
  }

  /**
   * The producer was fenced: the broker aborted its transaction (it outlived the transaction
   * timeout, for example across a broker restart) or another process took the same transactional
   * ID. A new producer fences any twin in turn; when that keeps happening, a twin really runs and
   * this worker gives way.
   */
  private void recoverProducer(KafkaException e) {
    long now = System.nanoTime();
    producerResets.addLast(now);
    while (!producerResets.isEmpty()
        && now - producerResets.peekFirst() > TimeUnit.MINUTES.toNanos(1)) {
      producerResets.removeFirst();
    }
    if (producerResets.size() > 3) {
      throw e;
    }
    txOpen = false;
    sendsInTx = 0;
    unsentOffsets.clear();
    replaceProducer(e);
  }

  /** Closes the producer, starts a new one under the same transactional ID and redoes the rest. */
  private void replaceProducer(KafkaException cause) {
    log.warn(
        "{} worker replaces its producer ({}); redoing uncommitted work",
        stageLabel,
        cause.toString());
    metrics.transactions.labelValues(stageLabel, "producer_replaced").inc();
    try {
      producer.close(Duration.ZERO);
    } catch (RuntimeException ignored) {
      // it is being discarded
    }
    while (!closing && !aborting) {
      producer = clients.producer();
      try {
        producer.initTransactions();
        break;
      } catch (org.apache.kafka.common.errors.TimeoutException e) {
        log.warn("{} worker: transaction coordinator not reachable yet; retrying", stageLabel);
        producer.close(Duration.ZERO);
      }
    }
    rewindAll();
  }

  /** After an aborted transaction: forget everything in flight and refetch from committed. */
  private void rewindAll() {
    Map<TopicPartition, Long> restart = new HashMap<>();
    progress.forEach((tp, p) -> restart.put(tp, p.committable()));
    Set<TopicPartition> all = new HashSet<>(progress.keySet());
    release(all);
    for (TopicPartition tp : all) {
      progress.put(tp, new PartitionProgress());
      leases.put(tp, new RequestSession.Lease());
    }
    Map<TopicPartition, OffsetAndMetadata> committed = null;
    while (committed == null && !all.isEmpty()) {
      try {
        committed = consumer.committed(all, Duration.ofSeconds(10));
      } catch (WakeupException e) {
        // a handler thread woke the consumer meanwhile; ask again
      } catch (org.apache.kafka.common.errors.TimeoutException e) {
        log.warn("{} worker: committed offsets not readable yet; retrying", stageLabel);
      }
      if (closing || aborting) {
        return;
      }
    }
    if (committed == null) {
      return;
    }
    for (TopicPartition tp : all) {
      OffsetAndMetadata c = committed.get(tp);
      if (c != null) {
        consumer.seek(tp, c.offset());
      } else {
        consumer.seekToBeginning(List.of(tp));
      }
    }
  }

  /** Drops the leases, sessions and progress of partitions this worker no longer owns. */
  private void release(Collection<TopicPartition> partitions) {
    for (TopicPartition tp : partitions) {
      RequestSession.Lease lease = leases.remove(tp);
      if (lease != null) {
        lease.revoke();
      }
      progress.remove(tp);
      paused.remove(tp);
    }
    sessions
        .values()
        .removeIf(
            s -> {
              if (partitions.contains(s.partition())) {
                String id = s.requestId();
                executor.submit(id, () -> handler.discard(id));
                return true;
              }
              return false;
            });
  }

  private void applyBackpressure() {
    Set<TopicPartition> assigned = consumer.assignment();
    if (executor.pending() >= settings.maxQueued()) {
      Set<TopicPartition> toPause = new HashSet<>(assigned);
      toPause.removeAll(paused);
      if (!toPause.isEmpty()) {
        consumer.pause(toPause);
        paused.addAll(toPause);
      }
    } else if (!paused.isEmpty()) {
      List<TopicPartition> toResume = new ArrayList<>(paused);
      toResume.retainAll(assigned);
      consumer.resume(toResume);
      paused.clear();
    }
    metrics.inflight.labelValues(stageLabel).set(executor.pending());
  }

  private void updateLag() {
    long now = System.currentTimeMillis();
    if (now - lastLagUpdate < 1000) {
      return;
    }
    lastLagUpdate = now;
    long lag = 0;
    for (TopicPartition tp : consumer.assignment()) {
      lag += consumer.currentLag(tp).orElse(0);
    }
    metrics.consumerLag.labelValues(stageLabel).set(lag);
  }

  private void finishGracefully() {
    Set<TopicPartition> assigned = consumer.assignment();
    consumer.pause(assigned);
    long end = System.nanoTime() + settings.shutdownGrace().toNanos();
    while (System.nanoTime() < end && (executor.pending() > 0 || !events.isEmpty())) {
      drainEvents();
      maybeCommit(false);
      try {
        consumer.poll(Duration.ofMillis(10)); // keeps the group membership alive while paused
      } catch (WakeupException ignored) {
        // close() wakes the consumer; nothing to do
      }
    }
    drainEvents();
    maybeCommit(true);
    release(new HashSet<>(progress.keySet()));
  }

  private void shutdownClients() {
    try {
      if (aborting) {
        for (RequestSession.Lease lease : leases.values()) {
          lease.revoke();
        }
        producer.close(Duration.ZERO);
        consumer.close(Duration.ZERO);
      } else {
        if (txOpen) {
          try {
            producer.abortTransaction();
          } catch (KafkaException e) {
            log.debug("abort on close failed", e);
          }
        }
        producer.close(Duration.ofSeconds(5));
        // A static member stays in the group on close unless told otherwise; this one is going
        // away, so its partitions move now rather than after the session timeout.
        consumer.close(
            CloseOptions.groupMembershipOperation(CloseOptions.GroupMembershipOperation.LEAVE_GROUP)
                .withTimeout(Duration.ofSeconds(5)));
      }
    } catch (RuntimeException e) {
      log.warn("{} worker: error closing clients: {}", stageLabel, e.toString());
    } finally {
      executor.close();
      log.info("{} worker {} stopped", stageLabel, settings.instanceId());
    }
  }

  private final class Rebalance implements ConsumerRebalanceListener {
    @Override
    public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
      if (aborting) {
        return;
      }
      // Commit what is finished while the partitions are still ours; the rest is redone.
      drainEvents();
      unsentOffsets.putAll(committableOffsets());
      if (txOpen || !unsentOffsets.isEmpty()) {
        commit();
      }
      release(partitions);
      log.info("{} worker revoked {}", stageLabel, partitions);
    }

    @Override
    public void onPartitionsLost(Collection<TopicPartition> partitions) {
      if (txOpen) {
        try {
          producer.abortTransaction();
        } catch (KafkaException e) {
          log.warn("abort after losing partitions failed: {}", e.toString());
        }
        txOpen = false;
      }
      unsentOffsets.clear();
      release(partitions);
      log.warn("{} worker lost {}", stageLabel, partitions);
    }

    @Override
    public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
      for (TopicPartition tp : partitions) {
        progress.put(tp, new PartitionProgress());
        leases.put(tp, new RequestSession.Lease());
      }
      log.info("{} worker assigned {}", stageLabel, partitions);
    }
  }
}
