package dev.providersettings.cli.internal;

import java.io.PrintStream;
import java.util.Locale;

/**
 * Progress of a long operation on stderr: a bar redrawn in place (count, percentage, rate, ETA) on a terminal,
 * plain lines at most once per interval otherwise (logs, CI), nothing when off.
 */
public final class Progress {
    /** How progress is shown. */
    public enum Mode {
        /** A bar on a terminal, lines otherwise. */
        AUTO,
        /** A bar redrawn in place. */
        BAR,
        /** One plain line per interval. */
        LINES,
        /** Nothing. */
        NONE
    }

    private static final int BAR_WIDTH = 30;

    private final PrintStream err;
    private final Mode mode;
    private final String label;
    private final long intervalNanos;
    private final long started = System.nanoTime();
    private long total;
    private long lastShown = Long.MIN_VALUE;
    private boolean drawn;

    public Progress(Terminal terminal, Mode mode, String label, long intervalMillis) {
        this.err = terminal.err();
        this.mode = mode == Mode.AUTO ? (terminal.interactive() ? Mode.BAR : Mode.LINES) : mode;
        this.label = label;
        this.intervalNanos = intervalMillis * 1_000_000L;
    }

    /** The mode in effect (AUTO resolved). */
    public Mode mode() {
        return mode;
    }

    /** Sets the expected total (it may grow when new work appears). */
    public void total(long value) {
        this.total = value;
    }

    /** Reports {@code done} units finished; shown if the interval has passed. */
    public void update(long done) {
        long now = System.nanoTime();
        if (mode == Mode.NONE || (lastShown != Long.MIN_VALUE && now - lastShown < intervalNanos)) {
            return;
        }
        lastShown = now;
        show(done, now);
    }

    /** Shows the final state and ends the bar's line. */
    public void finish(long done) {
        if (mode == Mode.NONE) {
            return;
        }
        show(done, System.nanoTime());
        if (mode == Mode.BAR && drawn) {
            err.println();
        }
        err.flush();
    }

    private void show(long done, long now) {
        long shownTotal = Math.max(total, done);
        double seconds = Math.max(1e-9, (now - started) / 1e9);
        double rate = done / seconds;
        String percent = shownTotal == 0 ? "100%" : (done * 100 / shownTotal) + "%";
        String eta = rate <= 0 || done >= shownTotal ? (done >= shownTotal ? "done" : "--:--")
                : duration((long) Math.ceil((shownTotal - done) / rate));
        String counts = String.format(Locale.ROOT, "%,d/%,d", done, shownTotal);
        String speed = String.format(Locale.ROOT, "%,.0f/s", rate);
        if (mode == Mode.BAR) {
            int filled = shownTotal == 0 ? BAR_WIDTH : (int) (BAR_WIDTH * done / shownTotal);
            err.print("\r" + label + " [" + "#".repeat(filled) + ".".repeat(BAR_WIDTH - filled) + "] " + counts + " "
                    + percent + "  " + speed + "  ETA " + eta + "   ");
            drawn = true;
        } else {
            err.println(label + ": " + counts + " (" + percent + "), " + speed + ", ETA " + eta);
        }
        err.flush();
    }

    private static String duration(long seconds) {
        return seconds >= 3600 ? String.format(Locale.ROOT, "%d:%02d:%02d", seconds / 3600, seconds / 60 % 60, seconds % 60)
                : String.format(Locale.ROOT, "%d:%02d", seconds / 60, seconds % 60);
    }

    @Override
    public String toString() {
        return "Progress[" + mode + "]";
    }
}
