package dev.assistant.gateway.coordinator;

/** Sends a record to one of the coordinator's sinks (a child node of the topology). */
@FunctionalInterface
interface RecordForwarder {
  void forward(String child, String key, Object value);
}
