package dev.assistant.common.config;

/** A missing or invalid configuration value; the message names the key. */
public class ConfigException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public ConfigException(String message) {
    super(message);
  }
}
