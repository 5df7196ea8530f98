package dev.providersettings.testing;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.core.read.ListAppender;
import org.slf4j.LoggerFactory;

import java.util.List;
import java.util.stream.Collectors;

/**
 * Captures every log event of the {@code dev.providersettings} loggers at DEBUG, with messages formatted and
 * throwable messages included, so tests can assert that no secret ever reaches a log. Use in try-with-resources.
 */
public final class LogCapture implements AutoCloseable {
    private final Logger logger;
    private final Level previousLevel;
    private final ListAppender<ILoggingEvent> appender = new ListAppender<>();

    private LogCapture(String loggerName) {
        this.logger = (Logger) LoggerFactory.getLogger(loggerName);
        this.previousLevel = logger.getLevel();
        appender.setContext(logger.getLoggerContext());
        appender.start();
        logger.addAppender(appender);
        logger.setLevel(Level.DEBUG);
    }

    /** Starts capturing {@code dev.providersettings} at DEBUG. */
    public static LogCapture start() {
        return new LogCapture("dev.providersettings");
    }

    /** Starts capturing the named logger (and its children) at DEBUG. */
    public static LogCapture start(String loggerName) {
        return new LogCapture(loggerName);
    }

    /** The captured events. */
    public List<ILoggingEvent> events() {
        synchronized (appender.list) {
            return List.copyOf(appender.list);
        }
    }

    /** Every captured line: formatted message plus the messages of its throwable chain. */
    public String text() {
        return events().stream().map(LogCapture::render).collect(Collectors.joining("\n"));
    }

    private static String render(ILoggingEvent event) {
        StringBuilder out = new StringBuilder(event.getLevel() + " " + event.getLoggerName() + " " + event.getFormattedMessage());
        for (IThrowableProxy t = event.getThrowableProxy(); t != null; t = t.getCause()) {
            out.append(" | ").append(t.getClassName()).append(": ").append(t.getMessage());
        }
        return out.toString();
    }

    @Override
    public void close() {
        logger.detachAppender(appender);
        logger.setLevel(previousLevel);
        appender.stop();
    }
}
