package dev.assistant.common.kafka;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import com.google.protobuf.Parser;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;

/** Protobuf values on Kafka: the message's wire bytes, nothing around them. */
public final class ProtoSerde<T extends Message> implements Serde<T> {
  private final Parser<T> parser;

  private ProtoSerde(Parser<T> parser) {
    this.parser = parser;
  }

  public static <T extends Message> ProtoSerde<T> of(Parser<T> parser) {
    return new ProtoSerde<>(parser);
  }

  @Override
  public Serializer<T> serializer() {
    return (topic, value) -> value == null ? null : value.toByteArray();
  }

  @Override
  public Deserializer<T> deserializer() {
    return (topic, bytes) -> {
      if (bytes == null) {
        return null;
      }
      try {
        return parser.parseFrom(bytes);
      } catch (InvalidProtocolBufferException e) {
        throw new SerializationException("malformed record on " + topic + ": " + e.getMessage(), e);
      }
    };
  }
}
