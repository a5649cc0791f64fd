package dev.assistant.deploy;

/** Tells whether a started service is ready to do its work. Implementations are not thread-safe. */
interface ReadinessProbe extends AutoCloseable {
  /** One quick check (a couple of seconds at most); false while starting. */
  boolean isReady();

  /** What is being checked, for messages. */
  String describe();

  @Override
  default void close() {}
}
