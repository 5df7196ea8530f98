package dev.providersettings;

import dev.providersettings.internal.JsonSyntax;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;

class JsonSyntaxTest {

    @ParameterizedTest
    @ValueSource(strings = {"{}", "[]", "0", "-1.5e+10", "\"a\\u00e9\\n\"", "true", "null", " { \"a\" : [1, 2, {\"b\": false}] } ",
            "{\"k\":\"v\",\"n\":-0.0}"})
    void acceptsValidJson(String text) {
        assertThat(JsonSyntax.problem(text)).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"", " ", "{", "{\"a\":1,}", "[1,]", "01", "1.", "+1", "{'a':1}", "{a:1}", "\"unterminated",
            "\"bad \\x escape\"", "tru", "nul", "{} {}", "[1 2]", "{\"a\" 1}", "\"tab\tinside\"", "// comment\n{}", "NaN",
            "-", "1e", "\"\\u12\""})
    void rejectsInvalidJson(String text) {
        assertThat(JsonSyntax.problem(text)).hasValueSatisfying(p -> assertThat(p).startsWith("is not valid JSON"));
    }

    @org.junit.jupiter.api.Test
    void rejectsHostileNestingWithoutStackOverflow() {
        String deep = "[".repeat(100_000) + "]".repeat(100_000);
        assertThat(JsonSyntax.problem(deep)).hasValueSatisfying(p -> assertThat(p).contains("nesting deeper"));
        assertThat(JsonSyntax.problem("[".repeat(60) + "]".repeat(60))).isEmpty();
    }
}
