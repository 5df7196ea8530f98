package dev.providersettings.cli.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;

import java.io.PrintStream;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;

/** Tables for people and JSON for scripts, on standard output. */
public final class Output {
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT)
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS);
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss'Z'")
            .withZone(ZoneOffset.UTC);

    private Output() {
    }

    /** Writes a value (maps, lists, strings, numbers) as JSON. */
    public static void json(PrintStream out, Object value) {
        try {
            out.println(JSON.writeValueAsString(value));
        } catch (JsonProcessingException e) {
            throw new CliException(ExitCode.INTERNAL, "cannot write JSON output: " + e.getOriginalMessage(), e);
        }
        out.flush();
    }

    /** A time for tables (UTC, seconds), or "-". */
    public static String time(Instant instant) {
        return instant == null ? "-" : TIME.format(instant);
    }

    /** A time for JSON (ISO-8601), or null. */
    public static String isoTime(Instant instant) {
        return instant == null ? null : instant.toString();
    }

    /** A table with a header row and columns padded to their widest cell. */
    public static final class Table {
        private final List<String[]> rows = new ArrayList<>();
        private final int columns;

        public Table(String... header) {
            this.columns = header.length;
            rows.add(header);
        }

        public Table row(Object... cells) {
            String[] row = new String[columns];
            for (int i = 0; i < columns; i++) {
                Object cell = i < cells.length ? cells[i] : null;
                row[i] = cell == null ? "-" : cell.toString();
            }
            rows.add(row);
            return this;
        }

        public int size() {
            return rows.size() - 1;
        }

        public void print(PrintStream out) {
            int[] widths = new int[columns];
            for (String[] row : rows) {
                for (int i = 0; i < columns; i++) {
                    widths[i] = Math.max(widths[i], row[i].length());
                }
            }
            StringBuilder line = new StringBuilder();
            for (String[] row : rows) {
                line.setLength(0);
                for (int i = 0; i < columns; i++) {
                    line.append(row[i]);
                    if (i < columns - 1) {
                        line.append(" ".repeat(widths[i] - row[i].length() + 2));
                    }
                }
                out.println(line.toString().stripTrailing());
            }
            out.flush();
        }
    }
}
