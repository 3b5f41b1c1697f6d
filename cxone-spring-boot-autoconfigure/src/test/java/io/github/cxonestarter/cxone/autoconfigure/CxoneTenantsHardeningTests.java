package io.github.cxonestarter.cxone.autoconfigure;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import io.github.cxonestarter.cxone.CxoneClients;
import io.github.cxonestarter.cxone.CxoneTenantDefinition;
import io.github.cxonestarter.cxone.CxoneTestContexts;
import io.github.cxonestarter.cxone.CxoneTokenException;
import io.github.cxonestarter.cxone.CxoneWebClient;
import io.github.cxonestarter.cxone.CxoneWebClientCustomizer;
import io.github.cxonestarter.cxone.metrics.CxoneMetrics;
import io.github.cxonestarter.cxone.test.EmbeddedCxone;
import io.github.cxonestarter.cxone.test.RecordedRequest;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.http.client.autoconfigure.service.HttpServiceClientPropertiesAutoConfiguration;
import org.springframework.boot.restclient.autoconfigure.service.HttpServiceClientAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.SystemEnvironmentPropertySource;
import org.springframework.mock.env.MockEnvironment;
import org.springframework.security.core.Authentication;
import org.springframework.security.oauth2.client.OAuth2AuthorizedClient;
import org.springframework.security.oauth2.client.ReactiveOAuth2AuthorizedClientService;
import org.springframework.security.oauth2.client.registration.ClientRegistration;
import org.springframework.security.oauth2.client.registration.ReactiveClientRegistrationRepository;
import org.springframework.web.service.annotation.GetExchange;
import org.springframework.web.service.registry.ImportHttpServices;

import static io.github.cxonestarter.cxone.CxoneTestContexts.whoami;
import static io.github.cxonestarter.cxone.autoconfigure.CxoneClientsTests.definitionOf;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

/**
 * What an adversarial review of many tenants found, each fixed: tokens of a removed tenant,
 * names given back too early, inherited endpoints, definitions that say less than they
 * seem to, and today's single-tenant beans.
 */
class CxoneTenantsHardeningTests extends TwoCxones {

	private ApplicationContextRunner multi() {
		return CxoneTestContexts.runner()
			.withConfiguration(AutoConfigurations.of(CxoneMetricsAutoConfiguration.class))
			.withBean(MeterRegistry.class, SimpleMeterRegistry::new)
			.withPropertyValues("cxone.multi-tenant=true", "cxone.client-id=" + EmbeddedCxone.CLIENT_ID,
					"cxone.client-secret=" + EmbeddedCxone.CLIENT_SECRET, "cxone.token.initial-backoff=20ms");
	}

	@Test
	void whenATenantIsRemovedDuringItsTokenRequestThenTheNewTenantOfItsNameNeverGetsThatToken() {
		multi().withBean("cxoneAuthorizedClientService", ReactiveOAuth2AuthorizedClientService.class,
				() -> new SlowStore(Duration.ofMillis(300)))
			.run((context) -> {
				CxoneClients clients = context.getBean(CxoneClients.class);
				clients.register("acme", definitionOf(east));
				east.tokenDelay(Duration.ofMillis(1500));
				AtomicBoolean oldCallEnded = new AtomicBoolean();
				whoami(clients.webClient("acme")).doFinally((signal) -> oldCallEnded.set(true)).subscribe((body) -> {
				}, (ex) -> {
				});
				awaitTokenRequest(east);
				clients.remove("acme");
				clients.register("acme", definitionOf(west));
				// The old request ends now, after the removal: its token must not reach the store.
				while (!oldCallEnded.get()) {
					Thread.sleep(20);
				}
				assertThat(whoami(clients.webClient("acme")).block(TIMEOUT)).contains("Embedded CXone API Key");
				assertThat(west.apiRequests()).extracting(RecordedRequest::status).containsOnly(200);
				assertThat(west.tokenRequestCount()).isEqualTo(1);
			});
	}

	@Test
	void whenATenantIsRemovedOnAReactorThreadThenItsNameIsRefusedClearlyUntilTheRemovalEndsAndThenFree() {
		multi().withBean("cxoneAuthorizedClientService", ReactiveOAuth2AuthorizedClientService.class,
				() -> new SlowStore(Duration.ofMillis(500)))
			.run((context) -> {
				CxoneClients clients = context.getBean(CxoneClients.class);
				clients.register("acme", definitionOf(east));
				whoami(clients.webClient("acme")).block(TIMEOUT);
				Mono.fromRunnable(() -> clients.remove("acme")).subscribeOn(Schedulers.parallel()).block(TIMEOUT);
				assertThat(clients.tenants()).doesNotContain("acme");
				assertThatIllegalStateException().isThrownBy(() -> clients.register("acme", definitionOf(west)))
					.withMessageContaining("still being removed");
				long deadline = System.nanoTime() + TIMEOUT.toNanos();
				while (true) {
					try {
						clients.register("acme", definitionOf(west));
						break;
					}
					catch (IllegalStateException ex) {
						assertThat(System.nanoTime()).isLessThan(deadline);
						Thread.sleep(50);
					}
				}
				assertThat(whoami(clients.webClient("acme")).block(TIMEOUT)).contains("Embedded CXone API Key");
				assertThat(west.tokenRequestCount()).isEqualTo(1);
			});
	}

	@Test
	void whenATenantSetsItsSubdomainThenItTakesNoInheritedUrlAndItsSecretGoesNowhereElse() {
		CxoneTestContexts.runner(west).withPropertyValues("cxone.multi-tenant=true").run((context) -> {
			CxoneClients clients = context.getBean(CxoneClients.class);
			clients.register("north", CxoneTenantDefinition.clientCredentials("north", "north-id", "north-secret"));
			// Its URLs are its subdomain's, not the top-level ones that point at west.
			ClientRegistration north = context.getBean("cxoneClientRegistrationRepository",
					ReactiveClientRegistrationRepository.class)
				.findByRegistrationId("cxone-north")
				.block(TIMEOUT);
			assertThat(north.getProviderDetails().getTokenUri()).isEqualTo("https://north.api.nice.incontact.com/oauth2/token");
			assertThat(west.requests()).isEmpty();
			clients.register("westish", CxoneTenantDefinition.of(Map.of("client-id", EmbeddedCxone.CLIENT_ID,
					"client-secret", EmbeddedCxone.CLIENT_SECRET)));
			// A tenant that sets no URL takes all three from the top level.
			assertThat(whoami(clients.webClient("westish")).block(TIMEOUT)).contains("Embedded CXone API Key");
			assertThat(west.tokenRequests()).extracting(RecordedRequest::body).noneMatch((body) -> body.contains("north"));
		});
	}

	@Test
	void whenATenantSetsItsClientIdThenItMustSetItsSecretTooAndTheTopLevelSecretIsNotSentWithIt() {
		multi().withPropertyValues("cxone.base-url=" + east.baseUrl(), "cxone.token-uri=" + east.tokenUri())
			.run((context) -> {
				CxoneClients clients = context.getBean(CxoneClients.class);
				assertThatExceptionOfType(InvalidCxonePropertiesException.class)
					.isThrownBy(() -> clients.register("acme", CxoneTenantDefinition.of(Map.of("client-id", "acme-id"))))
					.satisfies((ex) -> assertThat(ex.getMissing()).containsExactly("cxone.tenants.acme.client-secret"));
				assertThat(east.requests()).isEmpty();
			});
	}

	@Test
	void whenADefinitionHasANullValueOrAnUnknownKeyThenItIsRefused() {
		multi().run((context) -> {
			CxoneClients clients = context.getBean(CxoneClients.class);
			assertThatIllegalArgumentException()
				.isThrownBy(() -> CxoneTenantDefinition.clientCredentials("acme", "acme-id", null))
				.withMessageContaining("'client-secret'")
				.withMessageContaining("is null");
			assertThatExceptionOfType(InvalidCxonePropertiesException.class)
				.isThrownBy(() -> clients.register("acme",
						definitionOf(east).with("retry.max-attemps", 1).with("token-url", "https://elsewhere.example/t")))
				.withMessageContaining("cxone.tenants.acme.retry.max-attemps")
				.withMessageContaining("cxone.tenants.acme.token-url");
			assertThat(clients.tenants()).isEmpty();
		});
	}

	@Test
	void whenARegistrationFailsHalfWayThenNothingIsLeftAndTheNameCanBeUsed() {
		AtomicBoolean fail = new AtomicBoolean(true);
		multi().withBean(CxoneWebClientCustomizer.class, () -> (builder) -> {
			if (fail.getAndSet(false)) {
				throw new IllegalStateException("a customizer failed");
			}
		}).run((context) -> {
			CxoneClients clients = context.getBean(CxoneClients.class);
			assertThatIllegalStateException().isThrownBy(() -> clients.register("acme", definitionOf(east)))
				.withMessage("a customizer failed");
			assertThat(context.getBean(MeterRegistry.class).getMeters())
				.noneMatch((meter) -> "acme".equals(meter.getId().getTag("tenant")));
			clients.register("acme", definitionOf(east));
			assertThat(whoami(clients.webClient("acme")).block(TIMEOUT)).contains("Embedded CXone API Key");
		});
	}

	@Test
	void whenATenantIsRemovedThenItsMetersAreRemoved() {
		multi().run((context) -> {
			CxoneClients clients = context.getBean(CxoneClients.class);
			MeterRegistry meters = context.getBean(MeterRegistry.class);
			for (int i = 0; i < 3; i++) {
				clients.register("acme" + i, definitionOf(east));
				whoami(clients.webClient("acme" + i)).block(TIMEOUT);
				assertThat(meters.find("cxone.token.requests").tag("tenant", "acme" + i).timer().count()).isEqualTo(1);
				clients.remove("acme" + i);
			}
			assertThat(meters.getMeters()).filteredOn((meter) -> meter.getId().getTag("tenant") != null).isEmpty();
		});
	}

	@Test
	void whenTenantKeysNameNoTenantThenStartUpFailsSayingHowTheyAreNamed() {
		CxoneTestContexts.runner()
			.withPropertyValues("cxone.client-id=" + EmbeddedCxone.CLIENT_ID, "cxone.client-secret=" + EmbeddedCxone.CLIENT_SECRET)
			.withInitializer((context) -> context.getEnvironment()
				.getPropertySources()
				.addFirst(new SystemEnvironmentPropertySource("systemEnvironment",
						Map.of("CXONE_TENANTS_ACME_EAST_BASE_URL", east.baseUrl()))))
			.run((context) -> {
				assertThat(context).hasFailed();
				assertThat(CxoneTestContexts.messages(context.getStartupFailure()))
					.contains("none of them is a property of a tenant")
					.contains("CXONE_TENANTS_EAST_SUBDOMAIN");
			});
	}

	@Test
	void whenAnInheritedValueIsInvalidThenTheTopLevelKeyIsNamedOnce() {
		CxoneTestContexts.runner()
			.withPropertyValues("cxone.client-id=x", "cxone.client-secret=y", "cxone.retry.max-attempts=0",
					"cxone.tenants.east.base-url=" + east.baseUrl(), "cxone.tenants.east.token-uri=" + east.tokenUri(),
					"cxone.tenants.west.base-url=" + west.baseUrl(), "cxone.tenants.west.token-uri=" + west.tokenUri(),
					"cxone.tenants.west.token.max-attempts=0")
			.run((context) -> {
				assertThat(context).hasFailed();
				InvalidCxonePropertiesException failure = findCause(context.getStartupFailure());
				assertThat(failure.getProblems()).containsExactly(
						"cxone.retry.max-attempts (CXONE_RETRY_MAX_ATTEMPTS) is 0; it must be at least 1, like 4.",
						"cxone.tenants.west.token.max-attempts (CXONE_TENANTS_WEST_TOKEN_MAX_ATTEMPTS) is 0; it must be "
								+ "at least 1, like 3.");
			});
	}

	@Test
	void whenATenantSetsKeysThatMeanNothingForOneTenantThenStartUpFailsNamingThem() {
		CxoneTestContexts.runner()
			.withPropertyValues("cxone.client-id=x", "cxone.client-secret=y", "cxone.tenants.east.base-url=" + east.baseUrl(),
					"cxone.tenants.east.token-uri=" + east.tokenUri(), "cxone.tenants.east.enabled=false",
					"cxone.tenants.east.tenants.inner.subdomain=inner")
			.run((context) -> {
				assertThat(context).hasFailed();
				assertThat(findCause(context.getStartupFailure()).getProblems()).hasSize(2)
					.anySatisfy((problem) -> assertThat(problem).startsWith("cxone.tenants.east.enabled"))
					.anySatisfy((problem) -> assertThat(problem).startsWith("cxone.tenants.east.tenants"));
			});
	}

	@Test
	void whenASingleTenantBeanIsInjectedInAMultiTenantApplicationThenTheFailureSaysWhyAndWhatToUse() {
		CxoneTestContexts.runner(east)
			.withPropertyValues("cxone.tenants.extra.base-url=" + west.baseUrl(), "cxone.tenants.extra.token-uri=" + west.tokenUri())
			.withBean(NeedsWebClient.class)
			.run((context) -> {
				assertThat(context).hasFailed();
				FailureAnalysis analysis = new CxoneTenantsFailureAnalyzer(
						new MockEnvironment().withProperty("cxone.tenants.extra.base-url", west.baseUrl()))
					.analyze(context.getStartupFailure());
				assertThat(analysis).isNotNull();
				assertThat(analysis.getDescription()).contains("No CxoneWebClient bean").contains("cxone.tenants.*");
				assertThat(analysis.getAction()).contains("CxoneClients").contains("webClient(\"east\")");
			});
	}

	@Test
	void whenOneTenantUsesTodaysMetricsBeanThenItIsInjectableAndCountsOnce() {
		CxoneTestContexts.runner(east)
			.withConfiguration(AutoConfigurations.of(CxoneMetricsAutoConfiguration.class))
			.withBean(MeterRegistry.class, SimpleMeterRegistry::new)
			.withBean(NeedsMetrics.class)
			.run((context) -> {
				assertThat(context).hasNotFailed();
				whoami(context.getBean(CxoneWebClient.class)).block(TIMEOUT);
				MeterRegistry meters = context.getBean(MeterRegistry.class);
				assertThat(meters.find("cxone.token.requests").timer().count()).isEqualTo(1);
				// A tenant registered at run time is counted under its own name, not the default's.
				CxoneClients clients = context.getBean(CxoneClients.class);
				clients.register("acme", definitionOf(west));
				whoami(clients.webClient("acme")).block(TIMEOUT);
				assertThat(meters.find("cxone.token.requests").tag("tenant", "default").timer().count()).isEqualTo(1);
				assertThat(meters.find("cxone.token.requests").tag("tenant", "acme").timer().count()).isEqualTo(1);
			});
	}

	@Test
	void whenATenantSetsItsOwnProxyThenItTakesNoneOfTheTopLevelProxysCredentials() {
		MockEnvironment environment = new MockEnvironment().withProperty("cxone.http.proxy.host", "proxy.corp.example")
			.withProperty("cxone.http.proxy.port", "3128")
			.withProperty("cxone.http.proxy.username", "corp-user")
			.withProperty("cxone.http.proxy.password", "corp-password")
			.withProperty("cxone.http.proxy.non-proxy-hosts", "*.corp.example")
			.withProperty("cxone.tenants.east.http.proxy.host", "proxy.partner.example")
			.withProperty("cxone.tenants.east.http.proxy.port", "8080");
		CxoneTenantProperties tenants = new CxoneTenantProperties(environment);
		for (CxoneProperties.Proxy proxy : List.of(tenants.configured("east").properties().getHttp().getProxy(),
				tenants.defined("west", CxoneTenantDefinition.of(Map.of("http.proxy.host", "proxy.partner.example",
						"http.proxy.port", 8080)))
					.properties()
					.getHttp()
					.getProxy())) {
			assertThat(proxy.getHost()).isEqualTo("proxy.partner.example");
			assertThat(proxy.getUsername()).isNull();
			assertThat(proxy.getPassword()).isNull();
			assertThat(proxy.getNonProxyHosts()).isEmpty();
		}
		// A tenant that sets no proxy key takes the whole top-level proxy.
		CxoneProperties.Proxy inherited = tenants.defined("north", CxoneTenantDefinition.of(Map.of("client-id", "x")))
			.properties()
			.getHttp()
			.getProxy();
		assertThat(inherited.getHost()).isEqualTo("proxy.corp.example");
		assertThat(inherited.getUsername()).isEqualTo("corp-user");
	}

	@Test
	void whenADefinitionSpellsAKeyAsTheBinderAlsoReadsItThenTheKeysTakenTogetherStillAre() {
		CxoneTestContexts.runner(west).withPropertyValues("cxone.multi-tenant=true").run((context) -> {
			CxoneClients clients = context.getBean(CxoneClients.class);
			// baseUrl is base-url to the binder: the top-level token-uri, which is west's, is not taken,
			// so the tenant's credentials are not sent there; with one URL of its own, its subdomain is missing.
			assertThatExceptionOfType(InvalidCxonePropertiesException.class)
				.isThrownBy(() -> clients.register("acme", CxoneTenantDefinition.of(Map.of("baseUrl", east.baseUrl(),
						"clientId", EmbeddedCxone.CLIENT_ID, "clientSecret", EmbeddedCxone.CLIENT_SECRET))))
				.satisfies((ex) -> assertThat(ex.getMissing()).containsExactly("cxone.tenants.acme.subdomain"));
			clients.register("acme", CxoneTenantDefinition.of(Map.of("baseUrl", east.baseUrl(), "tokenUri",
					east.tokenUri(), "clientId", EmbeddedCxone.CLIENT_ID, "clientSecret", EmbeddedCxone.CLIENT_SECRET)));
			assertThat(whoami(clients.webClient("acme")).block(TIMEOUT)).contains("Embedded CXone API Key");
			assertThat(east.tokenRequestCount()).isEqualTo(1);
			assertThat(west.requests()).isEmpty();
			assertThatExceptionOfType(InvalidCxonePropertiesException.class)
				.isThrownBy(() -> clients.register("beta", CxoneTenantDefinition.of(Map.of("clientId", "beta-id"))))
				.satisfies((ex) -> assertThat(ex.getMissing()).contains("cxone.tenants.beta.client-secret"));
		});
	}

	@Test
	void whenAConfiguredTenantHasAMisspeltKeyThenStartUpFailsNamingIt() {
		CxoneTestContexts.runner()
			.withPropertyValues("cxone.subdomain=acmemain", "cxone.tenants.east.subdomian=acmeeast",
					"cxone.tenants.east.client-id=east-id", "cxone.tenants.east.client-secret=east-secret")
			.run((context) -> {
				assertThat(context).hasFailed();
				assertThat(findCause(context.getStartupFailure()).getProblems()).singleElement()
					.satisfies((problem) -> assertThat(problem).contains("cxone.tenants.east.subdomian")
						.doesNotContain("east-secret"));
			});
	}

	@Test
	void whenTheTokenStoreHangsThenARemovalHoldsUpNeitherOtherRegistrationsNorTheOtherRemovals() {
		SlowStore store = new SlowStore(Duration.ofSeconds(2));
		multi().withBean("cxoneAuthorizedClientService", ReactiveOAuth2AuthorizedClientService.class, () -> store)
			.run((context) -> {
				CxoneClients clients = context.getBean(CxoneClients.class);
				clients.register("acme", definitionOf(east));
				AtomicBoolean removed = new AtomicBoolean();
				Thread remover = new Thread(() -> {
					clients.remove("acme");
					removed.set(true);
				});
				remover.start();
				while (clients.tenants().contains("acme")) {
					Thread.sleep(5);
				}
				clients.register("other", definitionOf(east));
				// Registered while the removal still waits for the store.
				assertThat(removed).isFalse();
				remover.join();
				clients.register("third", definitionOf(west));
				clients.removeAll();
				// Both removals of removeAll ran at once, not one store timeout after the other.
				assertThat(store.mostRemovalsAtOnce()).isEqualTo(2);
				assertThat(clients.tenants()).isEmpty();
			});
	}

	@Test
	void whenATenantInheritsAWrongSecretThenItsErrorNamesTheTopLevelKeyItInherits() {
		multi().withPropertyValues("cxone.client-secret=not-the-secret").run((context) -> {
			CxoneClients clients = context.getBean(CxoneClients.class);
			clients.register("acme", CxoneTenantDefinition.of(Map.of("base-url", east.baseUrl(), "token-uri", east.tokenUri())));
			clients.register("cxone", definitionOf(east).with("client-secret", "not-the-secret"));
			assertThatExceptionOfType(CxoneTokenException.class).isThrownBy(() -> whoami(clients.webClient("acme")).block(TIMEOUT))
				.withMessageContaining("cxone.client-secret (CXONE_CLIENT_SECRET)")
				.withMessageNotContaining("cxone.tenants.acme.client-secret");
			// A tenant named cxone: its names are prefixed once.
			assertThatExceptionOfType(CxoneTokenException.class)
				.isThrownBy(() -> whoami(clients.webClient("cxone")).block(TIMEOUT))
				.withMessageContaining("cxone.tenants.cxone.client-secret (CXONE_TENANTS_CXONE_CLIENT_SECRET)")
				.withMessageNotContaining("tenants.cxone.tenants");
		});
	}

	@Test
	void whenTheCxoneHttpServiceGroupIsUsedWithSeveralTenantsThenStartUpFailsSayingWhy() {
		multi().withConfiguration(AutoConfigurations.of(HttpServiceClientPropertiesAutoConfiguration.class,
				HttpServiceClientAutoConfiguration.class))
			.withUserConfiguration(GroupConfiguration.class)
			.run((context) -> {
				assertThat(context).hasFailed();
				assertThat(CxoneTestContexts.messages(context.getStartupFailure()))
					.contains("The 'cxone' HTTP service group calls the one tenant")
					.contains("CxoneClients");
			});
	}

	private static void awaitTokenRequest(EmbeddedCxone cxone) throws InterruptedException {
		long deadline = System.nanoTime() + TIMEOUT.toNanos();
		while (cxone.tokenRequestCount() == 0) {
			assertThat(System.nanoTime()).isLessThan(deadline);
			Thread.sleep(10);
		}
	}

	@Configuration(proxyBeanMethods = false)
	@ImportHttpServices(group = "cxone", types = WhoAmI.class)
	static class GroupConfiguration {

	}

	interface WhoAmI {

		@GetExchange(EmbeddedCxone.WHOAMI_PATH)
		String whoami();

	}

	static class NeedsMetrics {

		NeedsMetrics(CxoneMetrics metrics) {
		}

	}

	static class NeedsWebClient {

		NeedsWebClient(CxoneWebClient client) {
		}

	}

	/**
	 * An in-memory store whose removal takes time, as a database's does.
	 */
	static final class SlowStore implements ReactiveOAuth2AuthorizedClientService {

		private final Map<String, OAuth2AuthorizedClient> clients = new ConcurrentHashMap<>();

		private final Duration removal;

		private final AtomicInteger removing = new AtomicInteger();

		private final AtomicInteger mostAtOnce = new AtomicInteger();

		SlowStore(Duration removal) {
			this.removal = removal;
		}

		int mostRemovalsAtOnce() {
			return this.mostAtOnce.get();
		}

		@Override
		@SuppressWarnings("unchecked")
		public <T extends OAuth2AuthorizedClient> Mono<T> loadAuthorizedClient(String registrationId, String principal) {
			return Mono.justOrEmpty((T) this.clients.get(registrationId + "/" + principal));
		}

		@Override
		public Mono<Void> saveAuthorizedClient(OAuth2AuthorizedClient client, Authentication principal) {
			return Mono.fromRunnable(() -> this.clients
				.put(client.getClientRegistration().getRegistrationId() + "/" + principal.getName(), client));
		}

		@Override
		public Mono<Void> removeAuthorizedClient(String registrationId, String principal) {
			return Mono.fromRunnable(() -> this.mostAtOnce.accumulateAndGet(this.removing.incrementAndGet(), Math::max))
				.then(Mono.delay(this.removal))
				.then(Mono.fromRunnable(() -> this.clients.remove(registrationId + "/" + principal)))
				.doFinally((signal) -> this.removing.decrementAndGet())
				.then();
		}

	}

}
