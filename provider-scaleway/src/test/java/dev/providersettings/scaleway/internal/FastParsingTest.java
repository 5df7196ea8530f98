package dev.providersettings.scaleway.internal;

import dev.providersettings.scaleway.Volume;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The request path's hand-written parsers agree with the JDK ones they replace: the fixed-form timestamp reader with
 * {@code OffsetDateTime.parse}, declining (null) whatever the JDK would treat differently; the trailing-slash strip
 * with the former {@code replaceAll("/+$", "")}.
 */
class FastParsingTest {

    @Test
    void fixedFormTimestampsReadAsOffsetDateTimeParseDoes() {
        List<String> accepted = List.of(
                "2025-06-11T15:41:08.122240Z", "2026-07-30T12:54:30.207487+00:00", "2026-07-30T12:54:30+02:00",
                "2026-07-30T00:00:00-05:30", "2024-02-29T23:59:59.999999999Z", "2026-01-01T00:00:00.1Z",
                "1970-01-01T00:00:00Z", "0001-01-01T00:00:00+18:00", "9999-12-31T23:59:59-18:00",
                "2026-03-01T01:02:03.000000-00:00", "2026-12-31T23:59:59.5+14:00");
        for (String text : accepted) {
            assertThat(Json.InstantDeserializer.parseFixed(text)).as(text)
                    .isEqualTo(OffsetDateTime.parse(text).toInstant());
        }
    }

    @Test
    void anythingElseIsLeftToTheJdkParsers() {
        List<String> declined = List.of(
                "2025-02-29T15:41:08Z", "2025-13-01T00:00:00Z", "2025-00-01T00:00:00Z", "2025-04-31T00:00:00Z",
                "2025-06-11T24:00:00Z", "2025-06-11T12:60:00Z", "2025-06-11T12:00:60Z", "2025-06-11T12:00:00",
                "2025-06-11T12:00:00.Z", "2025-06-11T12:00:00.1234567890Z", "2025-06-11T12:00:00+19:00",
                "2025-06-11T12:00:00+18:01", "2025-06-11T12:00:00+0100", "2025-06-11t12:00:00z",
                " 2025-06-11T12:00:00Z", "2025-06-11T12:00:00Z ", "+2025-06-11T12:00:00Z", "2025-6-11T12:00:00Z",
                "2025-06-11 12:00:00Z", "2025-06-11T12:00:00ZZ", "2025-06-1aT12:00:00Z", "yesterday");
        for (String text : declined) {
            assertThat(Json.InstantDeserializer.parseFixed(text)).as(text).isNull();
        }
    }

    @Test
    void theDeserializerStillReadsWhatTheFastPathDeclines() throws IOException {
        // Lower-case separators and surrounding blanks go through the JDK parsers as before.
        Instant lower = Json.mapper().readValue("\" 2025-06-11t15:41:08.5z \"", Instant.class);
        assertThat(lower).isEqualTo(Instant.parse("2025-06-11T15:41:08.500Z"));
        Volume volume = Json.reader(Volume.class).readValue(
                "{\"id\":\"v\",\"created_at\":\"2026-07-30T12:54:30.207487+02:00\",\"updated_at\":\"\"}");
        assertThat(volume.createdAt()).isEqualTo(Instant.parse("2026-07-30T10:54:30.207487Z"));
        assertThat(volume.updatedAt()).isNull();
        assertThat(Json.reader(Volume.class)).isSameAs(Json.reader(Volume.class));
    }

    @Test
    void declinedTextsTheJdkRejectsStayRejected() {
        for (String text : List.of("2025-02-29T15:41:08Z", "2025-06-11T24:00:00Z")) {
            boolean jdkReads;
            try {
                OffsetDateTime.parse(text);
                jdkReads = true;
            } catch (DateTimeParseException e) {
                jdkReads = false;
            }
            assertThat(jdkReads).as(text).isFalse();
        }
    }

    @Test
    void trailingSlashesAreStrippedAsTheRegexDid() {
        for (String url : List.of("https://api.scaleway.com", "https://api.scaleway.com/", "http://127.0.0.1:8080///",
                "https://h/base/", "/", "")) {
            assertThat(Transport.withoutTrailingSlashes(url)).as(url).isEqualTo(url.replaceAll("/+$", ""));
        }
        String clean = "https://api.scaleway.com";
        assertThat(Transport.withoutTrailingSlashes(clean)).isSameAs(clean);
    }
}
