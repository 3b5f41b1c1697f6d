package io.github.cxonestarter.cxone.autoconfigure;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.BooleanSupplier;

import io.github.cxonestarter.cxone.CxoneClients;
import io.github.cxonestarter.cxone.CxoneRestClient;
import io.github.cxonestarter.cxone.CxoneTenantDefinition;
import io.github.cxonestarter.cxone.CxoneTestContexts;
import io.github.cxonestarter.cxone.CxoneTokenException;
import io.github.cxonestarter.cxone.CxoneUnknownTenantException;
import io.github.cxonestarter.cxone.CxoneWebClient;
import io.github.cxonestarter.cxone.health.CxoneHealthIndicator;
import io.github.cxonestarter.cxone.test.EmbeddedCxone;
import io.github.cxonestarter.cxone.test.RecordedRequest;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;
import reactor.core.Disposable;
import reactor.core.Disposables;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.health.contributor.CompositeReactiveHealthContributor;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.ReactiveHealthContributor;
import org.springframework.boot.health.contributor.ReactiveHealthIndicator;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.core.env.SystemEnvironmentPropertySource;
import org.springframework.security.oauth2.client.OAuth2AuthorizedClient;
import org.springframework.security.oauth2.client.ReactiveOAuth2AuthorizedClientService;

import static io.github.cxonestarter.cxone.CxoneTestContexts.whoami;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

/**
 * Several tenants in one application, against two embedded CXones: {@code east} and
 * {@code west}, each of which accepts only the tokens it issued itself.
 */
class CxoneClientsTests extends TwoCxones {

	/**
	 * Two tenants that take the client ID and secret from the top-level keys, and each
	 * its own URLs.
	 */
	private ApplicationContextRunner runner() {
		return CxoneTestContexts.runner()
			.withConfiguration(AutoConfigurations.of(CxoneHealthContributorAutoConfiguration.class,
					CxoneMetricsAutoConfiguration.class))
			.withBean(MeterRegistry.class, SimpleMeterRegistry::new)
			.withPropertyValues("cxone.client-id=" + EmbeddedCxone.CLIENT_ID,
					"cxone.client-secret=" + EmbeddedCxone.CLIENT_SECRET, "cxone.token.initial-backoff=20ms",
					"cxone.retry.initial-backoff=20ms", "cxone.tenants.east.base-url=" + east.baseUrl(),
					"cxone.tenants.east.token-uri=" + east.tokenUri(), "cxone.tenants.west.base-url=" + west.baseUrl(),
					"cxone.tenants.west.token-uri=" + west.tokenUri());
	}

	static CxoneTenantDefinition definitionOf(EmbeddedCxone cxone) {
		return CxoneTenantDefinition.of(Map.of("client-id", EmbeddedCxone.CLIENT_ID, "client-secret",
				EmbeddedCxone.CLIENT_SECRET, "base-url", cxone.baseUrl(), "token-uri", cxone.tokenUri()));
	}

	@Test
	void whenEachTenantIsCalledManyTimesThenEachRequestsOneTokenOfItsOwn() {
		runner().run((context) -> {
			CxoneClients clients = context.getBean(CxoneClients.class);
			assertThat(clients.tenants()).containsExactly("east", "west");
			for (int i = 0; i < 10; i++) {
				assertThat(whoami(clients.webClient("east")).block(TIMEOUT)).contains("Embedded CXone API Key");
				assertThat(whoami(clients.restClient("west"))).contains("Embedded CXone API Key");
			}
			assertThat(east.tokenRequestCount()).isEqualTo(1);
			assertThat(west.tokenRequestCount()).isEqualTo(1);
			// Each server accepts only its own tokens: every call carried its tenant's token.
			assertThat(east.apiRequests()).hasSize(10).extracting(RecordedRequest::status).containsOnly(200);
			assertThat(west.apiRequests()).hasSize(10).extracting(RecordedRequest::status).containsOnly(200);
			assertThat(clients.tokenProvider("east").getAccessToken().block(TIMEOUT).getTokenValue())
				.isNotEqualTo(clients.tokenProvider("west").getAccessToken().block(TIMEOUT).getTokenValue());
			// No single-tenant beans when tenants are configured.
			assertThat(context).doesNotHaveBean(CxoneWebClient.class).doesNotHaveBean(CxoneRestClient.class);
		});
	}

	@Test
	void whenColdCallersUseBothTenantsAtOnceThenExactlyTwoTokenRequestsServeThemAll() {
		east.tokenDelay(Duration.ofMillis(300));
		west.tokenDelay(Duration.ofMillis(300));
		runner().run((context) -> {
			CxoneClients clients = context.getBean(CxoneClients.class);
			ExecutorService threads = Executors.newFixedThreadPool(20);
			try {
				CountDownLatch go = new CountDownLatch(1);
				List<Future<String>> calls = new ArrayList<>();
				for (int i = 0; i < 40; i++) {
					String tenant = (i % 2 == 0) ? "east" : "west";
					boolean blocking = i % 4 < 2;
					calls.add(threads.submit(() -> {
						go.await();
						return blocking ? whoami(clients.restClient(tenant))
								: whoami(clients.webClient(tenant)).block(TIMEOUT);
					}));
				}
				go.countDown();
				for (Future<String> call : calls) {
					assertThat(call.get()).contains("Embedded CXone API Key");
				}
			}
			finally {
				threads.shutdownNow();
			}
			assertThat(east.tokenRequestCount() + west.tokenRequestCount()).isEqualTo(2);
			assertThat(east.tokenRequestCount()).isEqualTo(1);
			assertThat(east.apiRequests()).hasSize(20);
			assertThat(west.apiRequests()).hasSize(20);
		});
	}

	@Test
	void whenOneTenantIsRateLimitedThenTheOthersCallsGoThroughBeforeItsFirstRetry() {
		runner().run((context) -> {
			CxoneClients clients = context.getBean(CxoneClients.class);
			whoami(clients.webClient("east")).block(TIMEOUT);
			whoami(clients.webClient("west")).block(TIMEOUT);
			east.reset();
			west.reset();
			east.enqueueApiFaults(20, 429, "5");
			Disposable storm = inBackground(20, clients.webClient("east"));
			try {
				awaitApiRequests(east, 20);
				assertThat(calls(20, clients.webClient("west"))).hasSize(20);
				// Every west call was answered while east waited out its Retry-After: east sent
				// nothing more, and west never saw a 429 nor a retry.
				assertThat(east.apiRequests()).hasSize(20).extracting(RecordedRequest::status).containsOnly(429);
				assertThat(west.apiRequests()).hasSize(20).extracting(RecordedRequest::status).containsOnly(200);
				assertThat(west.tokenRequestCount()).isZero();
				MeterRegistry meters = context.getBean(MeterRegistry.class);
				assertThat(meters.find("cxone.responses.rate-limited").tag("tenant", "east").counter().count())
					.isEqualTo(20);
				assertThat(meters.find("cxone.responses.rate-limited").tag("tenant", "west").counter().count()).isZero();
			}
			finally {
				storm.dispose();
			}
		});
	}

	@Test
	void whenOneTenantsApiHangsThenItsPoolIsItsOwnAndTheOtherTenantIsServed() {
		runner().withPropertyValues("cxone.tenants.east.http.max-connections=1").run((context) -> {
			CxoneClients clients = context.getBean(CxoneClients.class);
			whoami(clients.webClient("east")).block(TIMEOUT);
			east.apiDelay(Duration.ofSeconds(10));
			Disposable hanging = inBackground(5, clients.webClient("east"));
			try {
				awaitArrivals(east, 2);
				assertThat(calls(20, clients.webClient("west"))).hasSize(20);
				// East's one connection is taken by a call that hangs; its other four wait for it.
				assertThat(east.apiRequestCount()).isEqualTo(2);
				assertThat(east.openConnections()).isEqualTo(1);
				assertThat(west.apiRequests()).hasSize(20).extracting(RecordedRequest::status).containsOnly(200);
			}
			finally {
				hanging.dispose();
			}
		});
	}

	@Test
	void whenATenantIsRegisteredAndRemovedThenItsTokenIsDroppedFromTheStoreAndItsClientsFailClearly() {
		runner().withPropertyValues("cxone.tenants.west.health.timeout=5s").run((context) -> {
			CxoneClients clients = context.getBean(CxoneClients.class);
			ReactiveOAuth2AuthorizedClientService store = context.getBean("cxoneAuthorizedClientService",
					ReactiveOAuth2AuthorizedClientService.class);
			clients.register("acme", definitionOf(east));
			assertThat(clients.tenants()).containsExactly("acme", "east", "west");
			CxoneWebClient acme = clients.webClient("acme");
			assertThat(whoami(acme).block(TIMEOUT)).contains("Embedded CXone API Key");
			assertThat(stored(store, "cxone-acme")).isNotNull();
			assertThat(east.tokenRequestCount()).isEqualTo(1);
			clients.remove("acme");
			assertThat(stored(store, "cxone-acme")).isNull();
			assertThat(clients.tenants()).containsExactly("east", "west");
			assertThatExceptionOfType(CxoneUnknownTenantException.class).isThrownBy(() -> clients.webClient("acme"))
				.withMessageContaining("'acme'")
				.withMessageContaining("Known tenants: east, west");
			// A client taken before the removal fails too, and sends nothing.
			int before = east.requests().size();
			assertThatExceptionOfType(CxoneUnknownTenantException.class).isThrownBy(() -> whoami(acme).block(TIMEOUT))
				.withMessageContaining("it was removed");
			assertThat(east.requests()).hasSize(before);
			// Registered again, it starts without a token.
			clients.register("acme", definitionOf(east));
			whoami(clients.webClient("acme")).block(TIMEOUT);
			assertThat(east.tokenRequestCount()).isEqualTo(2);
			assertThatIllegalStateException().isThrownBy(() -> clients.register("acme", definitionOf(west)))
				.withMessageContaining("A CXone tenant named 'acme' is already registered");
			assertThatExceptionOfType(CxoneUnknownTenantException.class).isThrownBy(() -> clients.remove("nobody"));
		});
	}

	@Test
	void whenManyThreadsRegisterOneNameAtOnceThenOneSucceedsAndTheOthersAreRefused() {
		runner().run((context) -> {
			CxoneClients clients = context.getBean(CxoneClients.class);
			ExecutorService threads = Executors.newFixedThreadPool(8);
			try {
				CountDownLatch go = new CountDownLatch(1);
				List<Future<Boolean>> attempts = new ArrayList<>();
				for (int i = 0; i < 8; i++) {
					attempts.add(threads.submit(() -> {
						go.await();
						try {
							clients.register("acme", definitionOf(west));
							return true;
						}
						catch (IllegalStateException ex) {
							return false;
						}
					}));
				}
				go.countDown();
				int registered = 0;
				for (Future<Boolean> attempt : attempts) {
					registered += attempt.get() ? 1 : 0;
				}
				assertThat(registered).isEqualTo(1);
			}
			finally {
				threads.shutdownNow();
			}
			assertThat(whoami(clients.webClient("acme")).block(TIMEOUT)).contains("Embedded CXone API Key");
		});
	}

	@Test
	void whenATenantsPropertiesAreMissingOrInvalidThenTheFailureNamesTheTenantsKeysAndVariables() {
		runner().withPropertyValues("cxone.tenants.north.client-id=x", "cxone.tenants.south.subdomain=a.b")
			.run((context) -> {
				assertThat(context).hasFailed();
				InvalidCxonePropertiesException failure = findCause(context.getStartupFailure());
				assertThat(failure.getMissing()).contains("cxone.tenants.north.subdomain");
				FailureAnalysis analysis = new InvalidCxonePropertiesFailureAnalyzer().analyze(context.getStartupFailure());
				assertThat(analysis.getDescription()).contains("CXONE_TENANTS_NORTH_SUBDOMAIN")
					.contains("cxone.tenants.south.subdomain (CXONE_TENANTS_SOUTH_SUBDOMAIN) is 'a.b', which is not a "
							+ "DNS label")
					.doesNotContain(EmbeddedCxone.CLIENT_SECRET);
			});
	}

	@Test
	void whenARegisteredDefinitionIsInvalidThenRegisterFailsNamingItsKeyAndNothingIsRegistered() {
		runner().run((context) -> {
			CxoneClients clients = context.getBean(CxoneClients.class);
			assertThatExceptionOfType(InvalidCxonePropertiesException.class)
				.isThrownBy(() -> clients.register("acme", CxoneTenantDefinition.clientCredentials("not a label",
						EmbeddedCxone.CLIENT_ID, "s3cret-value")))
				.withMessageContaining("cxone.tenants.acme.subdomain")
				.withMessageNotContaining("s3cret-value");
			assertThatExceptionOfType(InvalidCxonePropertiesException.class)
				.isThrownBy(() -> clients.register("acme",
						definitionOf(east).with("token.timeout", "soon").with("client-secret", "s3cret-value")))
				.withMessageContaining("cxone.tenants.acme.token.timeout")
				.withMessageNotContaining("s3cret-value");
			assertThatIllegalArgumentException().isThrownBy(() -> clients.register("Acme Corp", definitionOf(east)))
				.withMessageContaining("lowercase letters and digits");
			assertThatIllegalArgumentException().isThrownBy(() -> clients.register("acme-east", definitionOf(east)))
				.withMessageContaining("CXONE_TENANTS_ACMEEAST_SUBDOMAIN");
			assertThat(clients.tenants()).containsExactly("east", "west");
		});
	}

	@Test
	void whenTenantsAreSetByEnvironmentVariablesThenTheyBindAsTheirProperties() {
		runner().withPropertyValues("cxone.tenants.east.base-url=", "cxone.tenants.east.token-uri=",
				"cxone.tenants.west.base-url=", "cxone.tenants.west.token-uri=")
			.withInitializer((context) -> context.getEnvironment()
				.getPropertySources()
				.addFirst(new SystemEnvironmentPropertySource("systemEnvironment",
						Map.of("CXONE_TENANTS_NORTH_BASE_URL", east.baseUrl(), "CXONE_TENANTS_NORTH_TOKEN_URI",
								east.tokenUri()))))
			.withPropertyValues("cxone.tenants.east.base-url=" + east.baseUrl(),
					"cxone.tenants.east.token-uri=" + east.tokenUri(), "cxone.tenants.west.base-url=" + west.baseUrl(),
					"cxone.tenants.west.token-uri=" + west.tokenUri())
			.run((context) -> {
				CxoneClients clients = context.getBean(CxoneClients.class);
				assertThat(clients.tenants()).containsExactly("east", "north", "west");
				assertThat(whoami(clients.webClient("north")).block(TIMEOUT)).contains("Embedded CXone API Key");
			});
	}

	@Test
	void whenATenantsSecretIsRefusedThenEveryClientsErrorNamesThatTenantsProperties() {
		runner().withPropertyValues("cxone.tenants.east.client-id=" + EmbeddedCxone.CLIENT_ID,
				"cxone.tenants.east.client-secret=not-the-secret").run((context) -> {
			CxoneClients clients = context.getBean(CxoneClients.class);
			String eastSecret = "(CXONE_TENANTS_EAST_CLIENT_SECRET)";
			assertThatExceptionOfType(CxoneTokenException.class).isThrownBy(() -> whoami(clients.webClient("east")).block(TIMEOUT))
				.withMessageContaining("cxone.tenants.east.client-secret " + eastSecret)
				.withMessageNotContaining("(CXONE_CLIENT_SECRET)")
				.withMessageNotContaining("not-the-secret");
			assertThatExceptionOfType(CxoneTokenException.class).isThrownBy(() -> whoami(clients.restClient("east")))
				.withMessageContaining("cxone.tenants.east.client-secret " + eastSecret);
			assertThatExceptionOfType(CxoneTokenException.class)
				.isThrownBy(() -> clients.tokenProvider("east").getAccessToken().block(TIMEOUT))
				.withMessageContaining("cxone.tenants.east.client-secret " + eastSecret);
			// The other tenant is not touched.
			assertThat(whoami(clients.webClient("west")).block(TIMEOUT)).contains("Embedded CXone API Key");
		});
	}

	@Test
	void whenSeveralTenantsAreConfiguredThenHealthIsACompositeWithOneChildPerTenant() {
		west.refuseTokens(true);
		runner().withPropertyValues("cxone.token.refusal-backoff=1ms").run((context) -> {
			assertThat(context).doesNotHaveBean(CxoneHealthIndicator.class);
			CompositeReactiveHealthContributor health = context.getBean("cxoneHealthContributor",
					CompositeReactiveHealthContributor.class);
			CxoneClients clients = context.getBean(CxoneClients.class);
			clients.register("acme", definitionOf(east));
			assertThat(health.stream().map(CompositeReactiveHealthContributor.Entry::name)).containsExactly("acme", "east",
					"west");
			Health eastHealth = health(health.getContributor("east"));
			assertThat(eastHealth.getStatus()).isEqualTo(Status.UP);
			assertThat(eastHealth.getDetails()).containsKeys("id", "name", "tokenExpiresAt");
			Health westHealth = health(health.getContributor("west"));
			assertThat(westHealth.getStatus()).isEqualTo(Status.DOWN);
			// Its error names the tenant's own properties.
			assertThat(westHealth.getDetails().get("error").toString())
				.contains("cxone.tenants.west.base-url (CXONE_TENANTS_WEST_BASE_URL)")
				.doesNotContain("cxone.base-url")
				.doesNotContain("(CXONE_BASE_URL)");
			assertThat(health(health.getContributor("acme")).getStatus()).isEqualTo(Status.UP);
			assertThat(health.getContributor("nobody")).isNull();
			clients.remove("acme");
			assertThat(health.getContributor("acme")).isNull();
			assertThat(health.stream().map(CompositeReactiveHealthContributor.Entry::name)).containsExactly("east", "west");
			assertThat(westHealth.toString()).doesNotContain(EmbeddedCxone.CLIENT_SECRET);
		});
	}

	@Test
	void whenTenantsRetryAndRequestTokensThenEveryMeterIsTaggedWithItsTenant() {
		runner().run((context) -> {
			CxoneClients clients = context.getBean(CxoneClients.class);
			MeterRegistry meters = context.getBean(MeterRegistry.class);
			east.enqueueApiFaults(1, 429, "0");
			whoami(clients.webClient("east")).block(TIMEOUT);
			whoami(clients.restClient("west"));
			assertThat(meters.find("cxone.retries").tag("tenant", "east").tag("target", "api").counter().count())
				.isEqualTo(1);
			assertThat(meters.find("cxone.retries").tag("tenant", "west").counters()).isEmpty();
			assertThat(meters.find("cxone.token.requests").tag("tenant", "east").timer().count()).isEqualTo(1);
			assertThat(meters.find("cxone.token.requests").tag("tenant", "west").timer().count()).isEqualTo(1);
			assertThat(meters.find("cxone.responses.rate-limited").tag("tenant", "east").counter().count()).isEqualTo(1);
			// Every one of the starter's meters carries the tag.
			assertThat(meters.getMeters()).filteredOn((meter) -> meter.getId().getName().startsWith("cxone."))
				.isNotEmpty()
				.allSatisfy((meter) -> assertThat(meter.getId().getTag("tenant")).isIn("east", "west"));
		});
	}

	@Test
	void whenAnAccessKeyTenantServesBesideAClientCredentialsTenantThenEachLogsInItsWayAndRediscoversAfterRemoval() {
		west.apiEndpoint(west.baseUrl());
		runner().withPropertyValues("cxone.tenants.west.auth-mode=access-key", "cxone.tenants.west.base-url=",
				"cxone.tenants.west.issuer=" + west.baseUrl(), "cxone.tenants.west.token-uri=" + west.accessKeyLoginUri(),
				"cxone.tenants.west.client-id=", "cxone.tenants.west.client-secret=",
				"cxone.tenants.west.access-key-id=" + EmbeddedCxone.ACCESS_KEY_ID,
				"cxone.tenants.west.access-key-secret=" + EmbeddedCxone.ACCESS_KEY_SECRET)
			.run((context) -> {
				CxoneClients clients = context.getBean(CxoneClients.class);
				for (int i = 0; i < 3; i++) {
					assertThat(serverTime(clients.webClient("west")).block(TIMEOUT)).contains("ServerTime");
					assertThat(whoami(clients.webClient("east")).block(TIMEOUT)).contains("Embedded CXone API Key");
				}
				assertThat(west.tokenRequests()).singleElement()
					.satisfies((login) -> assertThat(login.path()).isEqualTo(EmbeddedCxone.ACCESS_KEY_LOGIN_PATH));
				assertThat(west.discoveryRequests()).hasSize(1);
				assertThat(east.tokenRequests()).singleElement()
					.satisfies((token) -> assertThat(token.path()).isEqualTo(EmbeddedCxone.TOKEN_PATH));
				// At run time, the same tenant again: its discovery is not reused from before.
				clients.register("westagain", accessKeyDefinitionOf(west));
				serverTime(clients.webClient("westagain")).block(TIMEOUT);
				clients.remove("westagain");
				clients.register("westagain", accessKeyDefinitionOf(west));
				serverTime(clients.webClient("westagain")).block(TIMEOUT);
				assertThat(west.discoveryRequests()).hasSize(3);
				assertThat(west.tokenRequests()).hasSize(3);
			});
	}

	@Test
	void whenOnlyTopLevelCredentialsAreSetThenTheOneTenantIsTodaysBeansNamedDefault() {
		CxoneTestContexts.runner(east)
			.withConfiguration(AutoConfigurations.of(CxoneHealthContributorAutoConfiguration.class,
					CxoneMetricsAutoConfiguration.class))
			.withBean(MeterRegistry.class, SimpleMeterRegistry::new)
			.run((context) -> {
				CxoneClients clients = context.getBean(CxoneClients.class);
				assertThat(clients.tenants()).containsExactly("default");
				assertThat(clients.webClient("default")).isSameAs(context.getBean(CxoneWebClient.class));
				assertThat(clients.restClient("default")).isSameAs(context.getBean(CxoneRestClient.class));
				assertThat(context).hasSingleBean(CxoneHealthIndicator.class).doesNotHaveBean("cxoneHealthContributor");
				whoami(context.getBean(CxoneWebClient.class)).block(TIMEOUT);
				assertThat(context.getBean(MeterRegistry.class).find("cxone.token.requests").tag("tenant", "default").timer()
					.count()).isEqualTo(1);
				assertThatIllegalStateException().isThrownBy(() -> clients.remove("default"))
					.withMessageContaining("cannot be removed");
				// Tenants registered at run time join it, with a token of their own.
				clients.register("acme", definitionOf(west));
				assertThat(whoami(clients.webClient("acme")).block(TIMEOUT)).contains("Embedded CXone API Key");
				assertThat(west.tokenRequestCount()).isEqualTo(1);
				assertThat(east.tokenRequestCount()).isEqualTo(1);
				clients.remove("acme");
				assertThatExceptionOfType(CxoneUnknownTenantException.class).isThrownBy(() -> clients.webClient("acme"))
					.withMessageContaining("Known tenants: default");
			});
	}

	@Test
	void whenMultiTenantIsSetWithNoTenantsThenTheApplicationStartsAndTenantsAreRegisteredAtRunTime() {
		CxoneTestContexts.runner().withPropertyValues("cxone.multi-tenant=true").run((context) -> {
			assertThat(context).hasNotFailed().doesNotHaveBean(CxoneWebClient.class);
			CxoneClients clients = context.getBean(CxoneClients.class);
			assertThat(clients.tenants()).isEmpty();
			assertThatExceptionOfType(CxoneUnknownTenantException.class).isThrownBy(() -> clients.webClient("east"))
				.withMessageContaining("Known tenants: none");
			clients.register("east", definitionOf(east));
			assertThat(whoami(clients.restClient("east"))).contains("Embedded CXone API Key");
		});
	}

	/**
	 * Start calls that are not waited for; disposing the result cancels them.
	 */
	private static Disposable inBackground(int count, CxoneWebClient client) {
		Disposable.Composite calls = Disposables.composite();
		for (int i = 0; i < count; i++) {
			calls.add(whoami(client).subscribe((body) -> {
			}, (ex) -> {
			}));
		}
		return calls;
	}

	private static List<String> calls(int count, CxoneWebClient client) {
		return Flux.range(0, count).flatMap((i) -> whoami(client), 4).collectList().block(TIMEOUT);
	}

	private static CxoneTenantDefinition accessKeyDefinitionOf(EmbeddedCxone cxone) {
		return CxoneTenantDefinition.accessKey(EmbeddedCxone.ACCESS_KEY_ID, EmbeddedCxone.ACCESS_KEY_SECRET)
			.with("issuer", cxone.baseUrl())
			.with("token-uri", cxone.accessKeyLoginUri())
			.with("client-id", "")
			.with("client-secret", "");
	}

	private static Mono<String> serverTime(CxoneWebClient client) {
		return client.get().uri(EmbeddedCxone.SERVER_TIME_PATH).retrieve().bodyToMono(String.class);
	}

	private static Health health(ReactiveHealthContributor contributor) {
		return ((ReactiveHealthIndicator) contributor).health().block(TIMEOUT);
	}

	private static OAuth2AuthorizedClient stored(ReactiveOAuth2AuthorizedClientService store, String registrationId) {
		return store.<OAuth2AuthorizedClient>loadAuthorizedClient(registrationId, CxoneAutoConfiguration.PRINCIPAL)
			.block(TIMEOUT);
	}

	private static void awaitApiRequests(EmbeddedCxone cxone, int count) throws InterruptedException {
		await(() -> cxone.apiRequests().size() >= count, "answered " + count + " API requests");
	}

	private static void awaitArrivals(EmbeddedCxone cxone, int count) throws InterruptedException {
		await(() -> cxone.apiRequestCount() >= count, "received " + count + " API requests");
	}

	private static void await(BooleanSupplier condition, String what) throws InterruptedException {
		long deadline = System.nanoTime() + TIMEOUT.toNanos();
		while (!condition.getAsBoolean()) {
			if (System.nanoTime() > deadline) {
				throw new AssertionError("the server has not " + what);
			}
			Thread.sleep(10);
		}
	}

}
