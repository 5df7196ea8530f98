package dev.providersettings.codegen;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Generation from the store's migrations (the single source of truth), and skipping when up to date. */
class JooqCodegenTest {
    /** The credential store's migrations, read where they live in the source tree. */
    private static final Path MIGRATIONS = Path.of("..", "credential-store-postgres", "src", "main", "resources",
            "db", "provider-settings", "migration");

    @Test
    void generatesTheTablesOnceAndSkipsWhenTheMigrationsAreUnchanged(@TempDir Path output) throws Exception {
        assertThat(JooqCodegen.generate(MIGRATIONS, output, "test.generated")).isTrue();
        Path tables = output.resolve("test/generated/tables");
        assertThat(tables.resolve("ProviderSettings.java")).exists();
        assertThat(tables.resolve("ProviderSettingsAudit.java")).exists();
        // neither the history table nor the (host-configurable) organizations table is generated
        assertThat(tables.resolve("Organizations.java")).doesNotExist();
        assertThat(tables.resolve("ProviderSettingsSchemaHistory.java")).doesNotExist();
        String settings = Files.readString(tables.resolve("ProviderSettings.java"));
        assertThat(settings).contains("JSON_VALUE").contains("SECRET_CIPHERTEXT").contains("ORGANIZATION_ID");
        // the store-wide version counter (V6) is generated too; no other sequence (identity columns have their own)
        String sequences = Files.readString(output.resolve("test/generated/Sequences.java"));
        assertThat(sequences).contains("PROVIDER_SETTINGS_VERSION_SEQ").doesNotContain("PROVIDER_SETTINGS_ID_SEQ");

        assertThat(JooqCodegen.generate(MIGRATIONS, output, "test.generated")).as("up to date").isFalse();
        assertThat(tables.resolve("ProviderSettings.java")).exists();
    }

    @Test
    void aMissingMigrationsDirectoryIsExplained(@TempDir Path output) {
        assertThatThrownBy(() -> JooqCodegen.generate(output.resolve("nope"), output, "x"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("does not exist");
        assertThatThrownBy(() -> JooqCodegen.main(new String[]{"only-one"}))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("expected 3 arguments");
    }
}
