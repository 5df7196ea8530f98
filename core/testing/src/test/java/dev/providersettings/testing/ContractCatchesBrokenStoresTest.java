package dev.providersettings.testing;

import dev.providersettings.InMemoryCredentialStore;
import dev.providersettings.OrganizationId;
import dev.providersettings.ProviderCode;
import dev.providersettings.spi.ChangeEvent;
import dev.providersettings.spi.CredentialStore;
import dev.providersettings.spi.SettingWrite;
import dev.providersettings.spi.SettingsBatch;
import dev.providersettings.spi.StoredSetting;
import dev.providersettings.spi.StoredSettings;
import dev.providersettings.spi.StoredValue;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.platform.engine.support.descriptor.MethodSource;
import org.junit.platform.testkit.engine.EngineTestKit;
import org.junit.platform.testkit.engine.Event;
import org.junit.platform.testkit.engine.Events;

import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

/**
 * The contract can fail: stores that each break one promise of the SPI (wrappers around the correct in-memory store)
 * fail exactly the contract tests about that promise, and pass the others. Run through the JUnit Platform test kit,
 * so their failures are asserted here instead of failing the build.
 */
class ContractCatchesBrokenStoresTest {
    /** Set while this class runs a broken store's contract: run directly (e.g. -Dtest=*Contract*), they are skipped. */
    static final String RUN_BROKEN_STORES = "provider-settings.test.broken-stores";

    @Test
    void aStoreWhoseSaveAllIsALoopOfSavesFailsTheAtomicityTests() {
        assertThat(failedTests(NonAtomicSaveAll.class)).containsExactlyInAnyOrder(
                "saveAllIsAllOrNothingWhenALaterBatchConflicts",
                "saveAllWithAnUnknownOrganizationWritesNothing",
                "malformedInputFailsWithATypedExceptionAndWritesNothing");
    }

    @Test
    void aStoreThatIgnoresExpectedVersionsFailsTheCheckAndSetTests() {
        assertThat(failedTests(NoCheckAndSet.class)).containsExactlyInAnyOrder(
                "aStaleOrWrongVersionFailsAndTheWholeBatchWritesNothing",
                "versionsNeverRepeatForAKeyAfterDeleteAndRecreate",
                "organizationsNeverSeeEachOthersSettingsUnderTheSameProvider",
                "ciphertextIsNeverPrinted",
                "ofConcurrentCheckAndSetWritersExactlyOneWins");
    }

    @Test
    void aStoreThatShowsOtherOrganizationsSettingsFailsTheIsolationTests() {
        assertThat(failedTests(LeaksAcrossOrganizations.class)).containsExactlyInAnyOrder(
                "organizationsNeverSeeEachOthersSettingsUnderTheSameProvider",
                "loadManyReturnsEachRequestedOrganizationAsLoadWould",
                "removingAnOrganizationRemovesItsSettings",
                "malformedInputFailsWithATypedExceptionAndWritesNothing");
    }

    @Test
    void aStoreThatPublishesNoEventsFailsTheEventTests() {
        assertThat(failedTests(PublishesNothing.class)).containsExactlyInAnyOrder(
                "aSavePublishesAChangeEventForItsOrganizationAndProvider",
                "saveAllPublishesAnEventForEveryWrittenOrganization",
                "deleteAllPublishesAChangeEvent",
                "aClosedSubscriptionReceivesNothingAndOtherListenersStillDo");
    }

    @Test
    void aStoreThatPrintsCiphertextFailsTheNoPrintingTest() {
        assertThat(failedTests(PrintsCiphertext.class)).containsExactly("ciphertextIsNeverPrinted");
    }

    @Test
    void theCorrectStoreFailsNothingAndSkipsOnlyWhatItDeclaresUnsupported() {
        Events tests = run(InMemoryCredentialStoreContractTest.class);
        assertThat(tests.failed().count()).isZero();
        assertThat(tests.skipped().count()).isZero();
        assertThat(tests.aborted().stream().map(ContractCatchesBrokenStoresTest::methodName))
                .containsExactly("aWriteOnAnotherNodeIsSeenAndPublishedHere");
        assertThat(tests.succeeded().count()).isGreaterThanOrEqualTo(20);
    }

    private static List<String> failedTests(Class<? extends CredentialStoreContract> contract) {
        Events tests = run(contract);
        assertThat(tests.succeeded().count()).as("the contract tests the broken store still passes").isPositive();
        return tests.failed().stream().map(ContractCatchesBrokenStoresTest::methodName).toList();
    }

    private static Events run(Class<?> contract) {
        System.setProperty(RUN_BROKEN_STORES, "true");
        try {
            return EngineTestKit.engine("junit-jupiter").selectors(selectClass(contract)).execute().testEvents();
        } finally {
            System.clearProperty(RUN_BROKEN_STORES);
        }
    }

    private static String methodName(Event event) {
        return event.getTestDescriptor().getSource().map(source -> ((MethodSource) source).getMethodName()).orElseThrow();
    }

    /** The contract over an in-memory store behind a wrapper that breaks one promise. */
    @ExtendWith(OnlyThroughTheTestKit.class) // inherited, unlike the @EnabledIf... conditions
    abstract static class BrokenStoreContract extends InMemoryCredentialStoreContractTest {
        abstract CredentialStore wrap(InMemoryCredentialStore store);

        @Override
        protected CredentialStore newStore() {
            return wrap((InMemoryCredentialStore) super.newStore());
        }

        @Override
        protected Duration eventTimeout() {
            return Duration.ofMillis(500);
        }
    }

    /** Disables the broken stores' contracts unless this class runs them. */
    static final class OnlyThroughTheTestKit implements ExecutionCondition {
        @Override
        public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
            return Boolean.getBoolean(RUN_BROKEN_STORES) ? ConditionEvaluationResult.enabled("run by the test kit")
                    : ConditionEvaluationResult.disabled("a deliberately broken store: ContractCatchesBrokenStoresTest"
                    + " runs its contract and checks which tests fail");
        }
    }

    /** saveAll as a loop over save: batches before a failing one stay written. */
    static class NonAtomicSaveAll extends BrokenStoreContract {
        @Override
        CredentialStore wrap(InMemoryCredentialStore store) {
            return new ForwardingCredentialStore(store) {
                @Override
                public void saveAll(List<SettingsBatch> batches) {
                    batches.forEach(this::save);
                }
            };
        }
    }

    /** Every write as if it expected ANY_VERSION: no check-and-set. */
    static class NoCheckAndSet extends BrokenStoreContract {
        @Override
        CredentialStore wrap(InMemoryCredentialStore store) {
            return new ForwardingCredentialStore(store) {
                @Override
                public Map<String, Long> save(SettingsBatch batch) {
                    return super.save(new SettingsBatch(batch.organization(), batch.provider(), batch.actor(),
                            batch.writes().stream().map(w -> new SettingWrite(w.key(), w.value(), SettingWrite.ANY_VERSION)).toList()));
                }
            };
        }
    }

    /** Reads return the settings of every organization written so far under the provider. */
    static class LeaksAcrossOrganizations extends BrokenStoreContract {
        @Override
        CredentialStore wrap(InMemoryCredentialStore store) {
            Set<OrganizationId> written = ConcurrentHashMap.newKeySet();
            return new ForwardingCredentialStore(store) {
                @Override
                public Map<String, Long> save(SettingsBatch batch) {
                    written.add(batch.organization());
                    return super.save(batch);
                }

                @Override
                public StoredSettings load(OrganizationId organization, ProviderCode provider) {
                    StoredSettings own = super.load(organization, provider);
                    Map<String, StoredSetting> merged = new HashMap<>(own.settings());
                    for (OrganizationId other : written) {
                        super.load(other, provider).settings().forEach(merged::putIfAbsent);
                    }
                    return new StoredSettings(organization, provider, own.organizationExists() || !merged.isEmpty(), merged);
                }

                @Override
                public Map<OrganizationId, StoredSettings> loadMany(ProviderCode provider, Collection<OrganizationId> organizations) {
                    Map<OrganizationId, StoredSettings> result = new LinkedHashMap<>();
                    organizations.forEach(organization -> result.put(organization, super.load(organization, provider)));
                    return result;
                }
            };
        }
    }

    /** Subscriptions that never deliver. */
    static class PublishesNothing extends BrokenStoreContract {
        @Override
        CredentialStore wrap(InMemoryCredentialStore store) {
            return new ForwardingCredentialStore(store) {
                @Override
                public Subscription subscribe(Consumer<ChangeEvent> listener) {
                    Objects.requireNonNull(listener, "listener");
                    return () -> { };
                }
            };
        }
    }

    /** A toString that shows the last ciphertext written, as a debugging aid might. */
    static class PrintsCiphertext extends BrokenStoreContract {
        @Override
        CredentialStore wrap(InMemoryCredentialStore store) {
            Set<String> ciphertexts = new LinkedHashSet<>();
            return new ForwardingCredentialStore(store) {
                @Override
                public Map<String, Long> save(SettingsBatch batch) {
                    batch.writes().forEach(w -> {
                        if (w.value() instanceof StoredValue.Encrypted e) {
                            ciphertexts.add(e.secret().ciphertextBase64());
                        }
                    });
                    return super.save(batch);
                }

                @Override
                public String toString() {
                    return "PrintsCiphertext" + ciphertexts;
                }
            };
        }
    }
}
