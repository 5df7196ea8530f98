package dev.providersettings.scaleway.internal;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.deser.std.StdScalarDeserializer;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;

import java.io.IOException;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;

/** The one JSON mapper of the provider: snake_case, unknown fields ignored, nulls not written, lenient timestamps. */
public final class Json {
    private static final ObjectMapper MAPPER = create();
    // One reader per payload class: its root deserializer is resolved once, so a read skips the mapper's type
    // construction and deserializer-cache lookups.
    private static final ClassValue<ObjectReader> READERS = new ClassValue<>() {
        @Override
        protected ObjectReader computeValue(Class<?> type) {
            return MAPPER.readerFor(type);
        }
    };

    private Json() {
    }

    /** The shared, thread-safe mapper. */
    public static ObjectMapper mapper() {
        return MAPPER;
    }

    /** The shared, thread-safe reader of {@code type}, created once per class. */
    public static ObjectReader reader(Class<?> type) {
        return READERS.get(type);
    }

    /**
     * What went wrong reading JSON, safe to put in a message: the exception's kind and where (JSON path, or line and
     * column), never Jackson's own message, which may quote the body.
     */
    public static String problem(Exception e) {
        String where = "";
        if (e instanceof JsonMappingException mapping && !mapping.getPath().isEmpty()) {
            where = " at " + mapping.getPathReference();
        } else if (e instanceof JsonProcessingException processing && processing.getLocation() != null) {
            where = " at line " + processing.getLocation().getLineNr() + ", column "
                    + processing.getLocation().getColumnNr();
        }
        return e.getClass().getSimpleName() + where;
    }

    private static ObjectMapper create() {
        SimpleModule instants = new SimpleModule("scaleway-instants");
        instants.addDeserializer(Instant.class, new InstantDeserializer());
        return JsonMapper.builder()
                .addModule(new JavaTimeModule())
                .addModule(instants)
                .propertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
                .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                .disable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
                .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
                .defaultPropertyInclusion(JsonInclude.Value.construct(JsonInclude.Include.NON_NULL, JsonInclude.Include.NON_NULL))
                .build();
    }

    /**
     * Reads the timestamp forms Scaleway sends: {@code 2025-06-11T15:41:08.122240Z} (Block, IAM) and
     * {@code 2026-07-30T12:54:30.207487+00:00} (Instance); an empty string reads as null.
     */
    static final class InstantDeserializer extends StdScalarDeserializer<Instant> {
        private static final long serialVersionUID = 1L;

        InstantDeserializer() {
            super(Instant.class);
        }

        @Override
        public Instant deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
            if (p.currentToken() == JsonToken.VALUE_NUMBER_INT) {
                return Instant.ofEpochSecond(p.getLongValue());
            }
            String text = p.getValueAsString();
            if (text == null || text.isBlank()) {
                return null;
            }
            Instant fast = parseFixed(text);
            if (fast != null) {
                return fast;
            }
            try {
                return OffsetDateTime.parse(text.strip()).toInstant();
            } catch (DateTimeParseException notOffset) {
                try {
                    return Instant.parse(text.strip());
                } catch (DateTimeParseException e) {
                    return (Instant) ctxt.handleWeirdStringValue(Instant.class, text,
                            "not an ISO-8601 timestamp with offset");
                }
            }
        }

        /**
         * The two forms Scaleway sends, {@code yyyy-MM-ddTHH:mm:ss[.f{1,9}]} followed by {@code Z} or
         * {@code ±HH:MM}, read without {@code DateTimeFormatter} (several microseconds per timestamp, three per
         * volume). Anything else, including out-of-range fields, returns null so that the caller falls back to the
         * JDK's parsers and their error handling: the result never differs from {@code OffsetDateTime.parse}.
         */
        static Instant parseFixed(String s) {
            int n = s.length();
            if (n < 20 || s.charAt(4) != '-' || s.charAt(7) != '-' || s.charAt(10) != 'T' || s.charAt(13) != ':'
                    || s.charAt(16) != ':') {
                return null;
            }
            int year = digits(s, 0, 4);
            int month = digits(s, 5, 2);
            int day = digits(s, 8, 2);
            int hour = digits(s, 11, 2);
            int minute = digits(s, 14, 2);
            int second = digits(s, 17, 2);
            if (year < 0 || month < 1 || month > 12 || day < 1 || day > 31 || hour < 0 || hour > 23 || minute < 0
                    || minute > 59 || second < 0 || second > 59) {
                return null;
            }
            int i = 19;
            int nanos = 0;
            if (s.charAt(i) == '.') {
                int start = ++i;
                while (i < n && i - start < 10 && isDigit(s.charAt(i))) {
                    nanos = nanos * 10 + (s.charAt(i) - '0');
                    i++;
                }
                int count = i - start;
                if (count < 1 || count > 9) {
                    return null;
                }
                for (int k = count; k < 9; k++) {
                    nanos *= 10;
                }
            }
            int offsetSeconds;
            if (i == n - 1 && s.charAt(i) == 'Z') {
                offsetSeconds = 0;
            } else if (i == n - 6 && (s.charAt(i) == '+' || s.charAt(i) == '-') && s.charAt(i + 3) == ':') {
                int offsetHours = digits(s, i + 1, 2);
                int offsetMinutes = digits(s, i + 4, 2);
                if (offsetHours < 0 || offsetHours > 18 || offsetMinutes < 0 || offsetMinutes > 59
                        || offsetHours * 3600 + offsetMinutes * 60 > 18 * 3600) {
                    return null;
                }
                offsetSeconds = (offsetHours * 3600 + offsetMinutes * 60) * (s.charAt(i) == '-' ? -1 : 1);
            } else {
                return null;
            }
            long epochDay;
            try {
                epochDay = LocalDate.of(year, month, day).toEpochDay(); // rejects e.g. February 30
            } catch (DateTimeException e) {
                return null;
            }
            long epochSecond = epochDay * 86_400L + hour * 3600L + minute * 60L + second - offsetSeconds;
            return Instant.ofEpochSecond(epochSecond, nanos);
        }

        /** The non-negative number of {@code count} ASCII digits at {@code from}, or -1. */
        private static int digits(String s, int from, int count) {
            int value = 0;
            for (int i = from; i < from + count; i++) {
                char c = s.charAt(i);
                if (!isDigit(c)) {
                    return -1;
                }
                value = value * 10 + (c - '0');
            }
            return value;
        }

        private static boolean isDigit(char c) {
            return c >= '0' && c <= '9';
        }
    }
}
