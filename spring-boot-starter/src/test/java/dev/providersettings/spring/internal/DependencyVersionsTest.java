package dev.providersettings.spring.internal;

import dev.providersettings.exception.ConfigurationException;
import org.junit.jupiter.api.Test;

import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class DependencyVersionsTest {

    @Test
    void comparesDottedVersionsNumerically() {
        assertThat(DependencyVersions.older("3.18.9", "3.19.0")).isTrue();
        assertThat(DependencyVersions.older("3.19.0", "3.19.0")).isFalse();
        assertThat(DependencyVersions.older("3.19", "3.19.0")).isFalse();
        assertThat(DependencyVersions.older("3.20.1", "3.19.0")).isFalse();
        assertThat(DependencyVersions.older("9.22.3", "10.0.0")).isTrue();
        assertThat(DependencyVersions.older("11.14.1", "10.0.0")).isFalse();
        assertThat(DependencyVersions.older("10.0.0-beta1", "10.0.0")).isFalse();
    }

    @Test
    void tooOldLibrariesStopTheStartUpNamingLibraryVersionsAndFix() {
        DependencyVersions old = new DependencyVersions(() -> Optional.of("3.18.7"), () -> Optional.of("9.22.3"));
        assertThatThrownBy(old::check).isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("jOOQ 3.18.7").hasMessageContaining("3.19.0 or newer")
                .hasMessageContaining("Flyway 9.22.3").hasMessageContaining("10.0.0 or newer")
                .hasMessageContaining("jooq.version").hasMessageContaining("Spring Boot 4.0.x");
    }

    @Test
    void currentOrUnreadableVersionsPass() {
        assertThatCode(new DependencyVersions(() -> Optional.of("3.19.35"), () -> Optional.of("11.14.1"))::check)
                .doesNotThrowAnyException();
        assertThatCode(new DependencyVersions(Optional::empty, Optional::empty)::check).doesNotThrowAnyException();
    }

    @Test
    void readsTheVersionsOnTheClasspath() {
        assertThat(DependencyVersions.jooqOnClasspath()).hasValueSatisfying(v -> assertThat(v).startsWith("3.19."));
        assertThat(DependencyVersions.flywayOnClasspath()).hasValueSatisfying(v -> assertThat(v).matches("1[0-9]\\..*"));
        assertThatCode(new DependencyVersions()::check).doesNotThrowAnyException();
    }
}
