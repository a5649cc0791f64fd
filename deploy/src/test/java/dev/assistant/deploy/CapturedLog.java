package dev.assistant.deploy;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.util.List;
import org.slf4j.LoggerFactory;

/** What a class logs while a test runs, for tests about what the launcher says. */
final class CapturedLog implements AutoCloseable {
  private final Logger logger;
  private final ListAppender<ILoggingEvent> appender = new ListAppender<>();

  private CapturedLog(Class<?> source) {
    logger = (Logger) LoggerFactory.getLogger(source);
    appender.start();
    logger.addAppender(appender);
  }

  static CapturedLog of(Class<?> source) {
    return new CapturedLog(source);
  }

  List<String> messages() {
    synchronized (appender.list) {
      return appender.list.stream().map(ILoggingEvent::getFormattedMessage).toList();
    }
  }

  /** Whether any message so far contains {@code text}. */
  boolean contains(String text) {
    return messages().stream().anyMatch(m -> m.contains(text));
  }

  @Override
  public void close() {
    logger.detachAppender(appender);
    appender.stop();
  }
}
