package dev.providersettings.scaleway.internal;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/** The zone and id checks of the request path accept exactly what their former regular expressions matched. */
class IdentifierChecksTest {
    private static final Pattern ZONE = Pattern.compile("[a-z]{2}-[a-z]{3}-[0-9]{1,2}");
    private static final Pattern ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,127}");

    @Test
    void zones() {
        List<String> samples = List.of("fr-par-1", "nl-ams-3", "pl-waw-12", "fr-par-123", "fr-par-", "FR-par-1",
                "fr-pa-1", "fr-paris-1", "fr_par_1", "fr-par-a", "frr-par-1", "fr-p4r-1", "", "fr-par-1 ", "fr-par1-1",
                "f1-par-1", "fr--par-1");
        for (String zone : samples) {
            assertThat(Identifiers.isZone(zone)).as(zone).isEqualTo(ZONE.matcher(zone).matches());
        }
        assertThat(Identifiers.isZone("fr-par-1")).isTrue();
        assertThat(Identifiers.isZone("fr-par-")).isFalse();
    }

    @Test
    void ids() {
        List<String> samples = List.of("11111111-2222-3333-4444-555555555555", "a", "A.b_c-d", "-a", ".a", "_a", "",
                "a b", "a/b", "a?x=1", "ä", "a".repeat(128), "a".repeat(129), "0", "a..", "a\n");
        for (String id : samples) {
            assertThat(Identifiers.isId(id)).as(id).isEqualTo(ID.matcher(id).matches());
        }
        assertThat(Identifiers.isId("a".repeat(128))).isTrue();
        assertThat(Identifiers.isId("a/b")).isFalse();
    }
}
