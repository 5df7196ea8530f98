package dev.providersettings;

import dev.providersettings.exception.ConfigurationException;
import dev.providersettings.exception.InvalidIdentifierException;
import dev.providersettings.exception.UnknownProviderException;
import dev.providersettings.spi.ProviderFactory;

import dev.providersettings.testing.TestClient;
import dev.providersettings.testing.TestProviderFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

public class ProviderRegistryTest {

    /** A second factory class that claims the test provider's code, as a conflicting jar would. */
    public static final class Impostor implements ProviderFactory<TestClient> {
        public Impostor() {
        }

        @Override
        public ProviderCode code() {
            return ProviderCode.of(TestProviderFactory.CODE);
        }

        @Override
        public Class<TestClient> clientType() {
            return TestClient.class;
        }

        @Override
        public List<SettingDefinition> settings() {
            return List.of();
        }

        @Override
        public TestClient create(ProviderSettings settings) {
            throw new UnsupportedOperationException();
        }
    }

    private static ClassLoader servicesLoader(Path dir, String... classNames) throws IOException {
        Path services = Files.createDirectories(dir.resolve("META-INF/services"));
        Files.writeString(services.resolve(ProviderFactory.class.getName()), String.join("\n", classNames) + "\n");
        return new URLClassLoader(new URL[]{dir.toUri().toURL()}, ProviderRegistryTest.class.getClassLoader());
    }

    @Test
    void discoversFactoriesThroughServiceLoader(@TempDir Path dir) throws IOException {
        ProviderRegistry registry = ProviderRegistry.builder()
                .discover(servicesLoader(dir, TestProviderFactory.class.getName())).build();

        assertThat(registry.codes()).containsExactly(ProviderCode.of("testcloud"));
        assertThat(registry.factory("testcloud")).isInstanceOf(TestProviderFactory.class);
        assertThat(registry.factory(ProviderCode.of("testcloud")).clientType()).isEqualTo(TestClient.class);
        assertThat(registry.definitions(ProviderCode.of("testcloud"))).containsKey(TestProviderFactory.SECRET_KEY);
    }

    @Test
    void twoDiscoveredFactoriesWithOneCodeExplainTheThreeFixes(@TempDir Path dir) throws IOException {
        ClassLoader loader = servicesLoader(dir, TestProviderFactory.class.getName(), Impostor.class.getName());

        assertThatThrownBy(() -> ProviderRegistry.builder().discover(loader).build())
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("two provider factories have the code 'testcloud'")
                .hasMessageContaining(TestProviderFactory.class.getName()).hasMessageContaining(Impostor.class.getName())
                .hasMessageContaining("remove one of the jars").hasMessageContaining("register(...)")
                .hasMessageContaining("exclude(");

        assertThat(ProviderRegistry.builder().discover(loader).exclude(Impostor.class).build()
                .factory("testcloud")).isInstanceOf(TestProviderFactory.class);
        TestProviderFactory explicit = new TestProviderFactory();
        assertThat(ProviderRegistry.builder().discover(loader).register(explicit).build()
                .factory("testcloud")).isSameAs(explicit);
    }

    @Test
    void twoExplicitRegistrationsWithOneCodeFail() {
        assertThatThrownBy(() -> ProviderRegistry.builder().register(new TestProviderFactory()).register(new Impostor()).build())
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("'testcloud'");
        assertThatThrownBy(() -> ProviderRegistry.builder().register(null))
                .isInstanceOf(ConfigurationException.class);
    }

    @Test
    void unknownCodesListTheRegisteredOnes() {
        ProviderRegistry registry = ProviderRegistry.builder().register(new TestProviderFactory())
                .register(new TestProviderFactory("othercloud")).build();

        assertThat(registry.codes()).extracting(ProviderCode::value).containsExactly("othercloud", "testcloud");
        assertThatThrownBy(() -> registry.factory("scaleway"))
                .isInstanceOf(UnknownProviderException.class)
                .hasMessageContaining("'scaleway'").hasMessageContaining("[othercloud, testcloud]");
        assertThatThrownBy(() -> registry.factory((String) null)).isInstanceOf(InvalidIdentifierException.class);
        assertThatThrownBy(() -> registry.factory("UPPER")).isInstanceOf(InvalidIdentifierException.class);
    }

    @Test
    void duplicateSettingKeysAreRejected() {
        ProviderFactory<TestClient> broken = new ProviderFactory<>() {
            public ProviderCode code() {
                return ProviderCode.of("broken");
            }

            public Class<TestClient> clientType() {
                return TestClient.class;
            }

            public List<SettingDefinition> settings() {
                return List.of(SettingDefinition.text("KEY_A"), SettingDefinition.secret("KEY_A"));
            }

            public TestClient create(ProviderSettings settings) {
                throw new UnsupportedOperationException();
            }
        };
        assertThatThrownBy(() -> ProviderRegistry.builder().register(broken).build())
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("declares the setting KEY_A twice");
    }

    @Test
    void closeClosesEveryFactory() {
        TestProviderFactory a = new TestProviderFactory();
        TestProviderFactory b = new TestProviderFactory("othercloud");
        ProviderRegistry.builder().register(a).register(b).build().close();
        assertThat(a.isClosed()).isTrue();
        assertThat(b.isClosed()).isTrue();
    }
}
