package io.tribes.jobs;

import java.io.StringWriter;
import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.core.Appender;
import org.apache.logging.log4j.core.LoggerContext;
import org.apache.logging.log4j.core.appender.WriterAppender;
import org.apache.logging.log4j.core.config.Configuration;
import org.apache.logging.log4j.core.layout.PatternLayout;

/** Everything logged in this JVM (at the configured levels) while open, as text. */
final class LogCapture implements AutoCloseable {
  private final StringWriter text = new StringWriter();
  private final Appender appender;
  private final LoggerContext context;

  private LogCapture() {
    context = (LoggerContext) LogManager.getContext(false);
    Configuration config = context.getConfiguration();
    appender = WriterAppender.newBuilder().setName("capture-" + System.nanoTime()).setTarget(text)
        .setLayout(PatternLayout.newBuilder().withPattern("%p %c: %m%n%ex").withConfiguration(config).build()).build();
    appender.start();
    config.getRootLogger().addAppender(appender, Level.ALL, null);
    context.updateLoggers();
  }

  static LogCapture start() {
    return new LogCapture();
  }

  synchronized String text() {
    return text.toString();
  }

  @Override
  public void close() {
    context.getConfiguration().getRootLogger().removeAppender(appender.getName());
    context.updateLoggers();
    appender.stop();
  }
}
