package dev.providersettings;

import dev.providersettings.spi.CredentialStore;
import org.junit.jupiter.api.Test;

import java.lang.reflect.Modifier;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The SPI's promises that are checked on the interface itself. */
class CredentialStoreSpiTest {

    /**
     * {@code saveAll} is documented all-or-nothing. A default looping over {@code save} cannot keep that promise (the
     * batches before a failing one stay written), so every store must implement it.
     */
    @Test
    void saveAllHasNoNonAtomicDefault() throws NoSuchMethodException {
        var saveAll = CredentialStore.class.getMethod("saveAll", List.class);
        assertThat(saveAll.isDefault()).as("CredentialStore.saveAll must not have a default").isFalse();
        assertThat(Modifier.isAbstract(saveAll.getModifiers())).isTrue();
        assertThat(InMemoryCredentialStore.class.getMethod("saveAll", List.class).getDeclaringClass())
                .isEqualTo(InMemoryCredentialStore.class);
    }
}
