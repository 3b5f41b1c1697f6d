package io.github.cxonestarter.cxone.token;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import io.github.cxonestarter.cxone.CxoneAuthenticationException;
import io.github.cxonestarter.cxone.CxoneTestContexts;
import io.github.cxonestarter.cxone.CxoneTokenException;
import io.github.cxonestarter.cxone.CxoneWebClient;
import io.github.cxonestarter.cxone.autoconfigure.CxoneAutoConfiguration;
import io.github.cxonestarter.cxone.autoconfigure.CxoneHealthContributorAutoConfiguration;
import io.github.cxonestarter.cxone.health.CxoneHealthIndicator;
import io.github.cxonestarter.cxone.test.EmbeddedCxone;
import io.github.cxonestarter.cxone.test.EmbeddedCxoneExtension;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.security.core.Authentication;
import org.springframework.security.oauth2.client.AuthorizedClientServiceReactiveOAuth2AuthorizedClientManager;
import org.springframework.security.oauth2.client.ClientCredentialsReactiveOAuth2AuthorizedClientProvider;
import org.springframework.security.oauth2.client.InMemoryReactiveOAuth2AuthorizedClientService;
import org.springframework.security.oauth2.client.OAuth2AuthorizedClient;
import org.springframework.security.oauth2.client.ReactiveOAuth2AuthorizedClientManager;
import org.springframework.security.oauth2.client.ReactiveOAuth2AuthorizedClientService;
import org.springframework.security.oauth2.client.registration.ClientRegistration;
import org.springframework.security.oauth2.client.registration.InMemoryReactiveClientRegistrationRepository;
import org.springframework.security.oauth2.core.AuthorizationGrantType;

import static io.github.cxonestarter.cxone.CxoneTestContexts.whoami;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;

/**
 * The token manager under hostile conditions, counted at an embedded CXone: a 401 that
 * persists, a renewal that returns the same token, a token endpoint that trickles, and
 * two evictions of the same refused token at once.
 */
@ExtendWith(EmbeddedCxoneExtension.class)
class TokenHardeningTests {

	private static final Duration TIMEOUT = Duration.ofSeconds(30);

	private EmbeddedCxone cxone;

	@BeforeEach
	void useCxone(EmbeddedCxone cxone) {
		this.cxone = cxone;
	}

	private ApplicationContextRunner runner() {
		return CxoneTestContexts.runner(this.cxone);
	}

	@Test
	void whenTheApiRefusesEveryTokenThenThirtyCallsMakeAtMostTwoTokenRequestsAndItRecoversWithoutARestart() {
		// A backoff long enough that the thirty calls all fall in it, even on a loaded machine.
		runner().withPropertyValues("cxone.token.refusal-backoff=60s").run((context) -> {
			CxoneWebClient client = context.getBean(CxoneWebClient.class);
			cxone.refuseTokens(true);
			for (int i = 0; i < 30; i++) {
				assertThatExceptionOfType(CxoneAuthenticationException.class)
					.isThrownBy(() -> whoami(client).block(TIMEOUT))
					.withMessageContaining("401 Unauthorized")
					.withMessageContaining("API user")
					.withMessageContaining("cxone.base-url")
					.withMessageContaining("cxone.subdomain");
			}
			assertThat(cxone.tokenRequestCount()).isLessThanOrEqualTo(2);
			// Each call after the first is sent once with the current token: the API itself tells when it recovers.
			assertThat(cxone.apiRequests()).hasSize(31);
			assertThat(cxone.apiRequests().stream().map((request) -> request.header("Authorization")).distinct())
				.hasSize(2);
			cxone.refuseTokens(false);
			assertThat(whoami(client).block(TIMEOUT)).contains("Embedded CXone API Key");
			assertThat(whoami(client).block(TIMEOUT)).contains("Embedded CXone API Key");
			assertThat(cxone.tokenRequestCount()).isLessThanOrEqualTo(2);
		});
	}

	@Test
	void whenTheApiRefusesEveryTokenThenHealthIsDownWithTheCausesAndProbesDoNotFetchTokens() {
		runner().withConfiguration(AutoConfigurations.of(CxoneHealthContributorAutoConfiguration.class))
			.withPropertyValues("cxone.token.refusal-backoff=60s", "cxone.health.cache-ttl=1ms")
			.run((context) -> {
				CxoneHealthIndicator health = context.getBean(CxoneHealthIndicator.class);
				cxone.refuseTokens(true);
				for (int i = 0; i < 10; i++) {
					Health probe = health.health().block(TIMEOUT);
					assertThat(probe.getStatus()).isEqualTo(Status.DOWN);
					assertThat((String) probe.getDetails().get("error")).contains("401 Unauthorized", "API user");
					Thread.sleep(5);
				}
				assertThat(cxone.tokenRequestCount()).isLessThanOrEqualTo(2);
			});
	}

	@Test
	void whenTheRefusalBackoffHasPassedThenARefusedTokenIsReplacedAgain() {
		runner().withPropertyValues("cxone.token.refusal-backoff=1s").run((context) -> {
			CxoneWebClient client = context.getBean(CxoneWebClient.class);
			cxone.refuseTokens(true);
			assertThatExceptionOfType(CxoneAuthenticationException.class).isThrownBy(() -> whoami(client).block(TIMEOUT))
				.withMessageContaining("twice");
			assertThat(cxone.tokenRequestCount()).isEqualTo(2);
			assertThatExceptionOfType(CxoneAuthenticationException.class).isThrownBy(() -> whoami(client).block(TIMEOUT))
				.withMessageContaining("moments ago");
			assertThat(cxone.tokenRequestCount()).isEqualTo(2);
			cxone.revokeAllTokens();
			cxone.refuseTokens(false);
			// The held token is revoked now: once the backoff has passed, it is replaced.
			await().atMost(TIMEOUT).pollInterval(Duration.ofMillis(200))
				.until(() -> whoami(client).map((body) -> true).onErrorReturn(false).block(TIMEOUT));
			assertThat(cxone.tokenRequestCount()).isEqualTo(3);
		});
	}

	@Test
	void whenManyCallersMeetAPersisting401AtOnceThenTheBackoffDoublesOnceNotOncePerCaller() {
		runner().withPropertyValues("cxone.token.refusal-backoff=2s").run((context) -> {
			CxoneWebClient client = context.getBean(CxoneWebClient.class);
			whoami(client).block(TIMEOUT);
			cxone.refuseTokens(true);
			List<Throwable> failures = Flux.range(0, 20)
				.flatMap((i) -> whoami(client).then(Mono.<Throwable>empty()).onErrorResume(Mono::just), 20)
				.collectList()
				.block(TIMEOUT);
			assertThat(failures).hasSize(20).allSatisfy((failure) -> assertThat(failure)
				.isInstanceOf(CxoneAuthenticationException.class));
			// One new token refused: the first wait, not 64 times it.
			assertThat(context.getBean(CxoneTokenManager.class).replacementBackoff())
				.isLessThanOrEqualTo(Duration.ofSeconds(2));
			assertThat(cxone.tokenRequestCount()).isEqualTo(2);
		});
	}

	@Test
	void whenOneEndpointKeepsAnswering401WhileOthersAcceptTheTokenThenTokenRequestsStayBounded() {
		String refusing = EmbeddedCxone.ECHO_PREFIX + "/refusing";
		runner().withPropertyValues("cxone.token.refusal-backoff=60s").run((context) -> {
			CxoneWebClient client = context.getBean(CxoneWebClient.class);
			cxone.refuseTokens(refusing, true);
			for (int i = 0; i < 20; i++) {
				assertThatExceptionOfType(CxoneAuthenticationException.class).isThrownBy(
						() -> client.get().uri(refusing).retrieve().bodyToMono(String.class).block(TIMEOUT));
				assertThat(whoami(client).block(TIMEOUT)).contains("Embedded CXone API Key");
			}
			assertThat(cxone.tokenRequestCount()).isLessThanOrEqualTo(2);
		});
	}

	@Test
	void whenCxoneRecoversBetweenIncidentsThenEachIncidentStartsFromTheFirstWait() throws InterruptedException {
		runner().withPropertyValues("cxone.token.refusal-backoff=100ms").run((context) -> {
			CxoneWebClient client = context.getBean(CxoneWebClient.class);
			CxoneTokenManager tokens = context.getBean(CxoneTokenManager.class);
			whoami(client).block(TIMEOUT);
			for (int incident = 0; incident < 4; incident++) {
				cxone.refuseTokens(true);
				assertThatExceptionOfType(CxoneAuthenticationException.class).isThrownBy(() -> whoami(client).block(TIMEOUT));
				assertThat(tokens.replacementBackoff()).as("incident %d", incident)
					.isLessThanOrEqualTo(Duration.ofMillis(100));
				Thread.sleep(150);
				cxone.refuseTokens(false);
				assertThat(whoami(client).block(TIMEOUT)).contains("Embedded CXone API Key");
			}
		});
	}

	@Test
	void whenOneEndpointKeepsAnswering401ThenARevokedTokenIsStillReplacedForTheOthers() throws InterruptedException {
		String refusing = EmbeddedCxone.ECHO_PREFIX + "/refusing";
		runner().withPropertyValues("cxone.token.refusal-backoff=100ms").run((context) -> {
			CxoneWebClient client = context.getBean(CxoneWebClient.class);
			cxone.refuseTokens(refusing, true);
			for (int i = 0; i < 30; i++) {
				client.get().uri(refusing).retrieve().bodyToMono(String.class).onErrorResume((ex) -> Mono.empty())
					.block(TIMEOUT);
				assertThat(whoami(client).block(TIMEOUT)).contains("Embedded CXone API Key");
				Thread.sleep(50);
			}
			// CXone revokes the token; the API accepts new ones: the backoff has not grown to minutes.
			cxone.revokeAllTokens();
			await().atMost(Duration.ofSeconds(2)).pollInterval(Duration.ofMillis(50))
				.until(() -> whoami(client).map((body) -> true).onErrorReturn(false).block(TIMEOUT));
		});
	}

	@Test
	void whenACallerArrivesWhileARefusedTokenIsBeingReplacedThenItGetsTheNewTokenNotTheRefusedOne() {
		ClientRegistration registration = registration();
		ReactiveOAuth2AuthorizedClientService memory = new InMemoryReactiveOAuth2AuthorizedClientService(
				new InMemoryReactiveClientRegistrationRepository(registration));
		// An application's store backed by a database: a read takes a while.
		ReactiveOAuth2AuthorizedClientService slowStore = new SlowStore(memory);
		AtomicReference<CxoneTokenManager> manager = new AtomicReference<>();
		AtomicBoolean armed = new AtomicBoolean();
		// Another caller, arriving right as the refused token leaves memory.
		TokenEventListener otherCaller = new TokenEventListener() {

			@Override
			public void tokenEvicted() {
				if (armed.compareAndSet(true, false)) {
					manager.get().authorize().subscribe();
				}
			}

		};
		runner().withBean("cxoneAuthorizedClientService", ReactiveOAuth2AuthorizedClientService.class, () -> slowStore)
			.withBean(TokenEventListener.class, () -> otherCaller)
			.run((context) -> {
				manager.set(context.getBean(CxoneTokenManager.class));
				CxoneWebClient client = context.getBean(CxoneWebClient.class);
				whoami(client).block(TIMEOUT);
				String refused = manager.get().peek().getTokenValue();
				cxone.revokeAllTokens();
				armed.set(true);
				assertThat(whoami(client).block(TIMEOUT)).contains("Embedded CXone API Key");
				assertThat(armed).isFalse();
				assertThat(manager.get().peek().getTokenValue()).isNotEqualTo(refused);
				assertThat(cxone.tokenRequestCount()).isEqualTo(2);
			});
	}

	@Test
	void whenARenewalReturnsTheSameTokenThenItBacksOffInsteadOfStartingAFlightOnEveryCall() {
		AtomicInteger authorizations = new AtomicInteger();
		cxone.tokenLifetime(Duration.ofSeconds(6));
		// The application's own manager: its provider renews only at expiry (no clock skew),
		// while the starter wants to renew from half the token's lifetime.
		ClientRegistration registration = registration();
		var registrations = new InMemoryReactiveClientRegistrationRepository(registration);
		var manager = new AuthorizedClientServiceReactiveOAuth2AuthorizedClientManager(registrations,
				new InMemoryReactiveOAuth2AuthorizedClientService(registrations));
		ClientCredentialsReactiveOAuth2AuthorizedClientProvider provider = new ClientCredentialsReactiveOAuth2AuthorizedClientProvider();
		provider.setClockSkew(Duration.ZERO);
		manager.setAuthorizedClientProvider(provider);
		ReactiveOAuth2AuthorizedClientManager counting = (request) -> {
			authorizations.incrementAndGet();
			return manager.authorize(request);
		};
		runner().withPropertyValues("cxone.token.initial-backoff=1s")
			.withBean("cxoneAuthorizedClientManager", ReactiveOAuth2AuthorizedClientManager.class, () -> counting)
			.run((context) -> {
				CxoneWebClient client = context.getBean(CxoneWebClient.class);
				whoami(client).block(TIMEOUT);
				CxoneTokenManager tokens = context.getBean(CxoneTokenManager.class);
				// In the refresh window (from half the lifetime), well before expiry.
				await().atMost(TIMEOUT).until(() -> Duration.between(java.time.Instant.now(), tokens.peek().getExpiresAt())
					.compareTo(Duration.ofMillis(2900)) < 0);
				int before = authorizations.get();
				for (int i = 0; i < 40; i++) {
					whoami(client).block(TIMEOUT);
				}
				// One renewal attempt, then a backoff of about a second: not one flight per call.
				assertThat(authorizations.get() - before).isBetween(1, 3);
				assertThat(cxone.tokenRequestCount()).isEqualTo(1);
			});
	}

	@Test
	void whenTheTokenEndpointTricklesThenEveryWaiterGetsATimeoutAndTheNextCallStartsAFreshRequest() {
		runner().withPropertyValues("cxone.token.timeout=1s").run((context) -> {
			CxoneWebClient client = context.getBean(CxoneWebClient.class);
			cxone.tokenTrickle(Duration.ofMillis(100));
			List<Throwable> failures = Flux.range(0, 10)
				.flatMap((i) -> whoami(client).then(Mono.<Throwable>empty()).onErrorResume(Mono::just))
				.collectList()
				.block(Duration.ofSeconds(15));
			assertThat(failures).hasSize(10).allSatisfy((failure) -> assertThat(failure)
				.isInstanceOfSatisfying(CxoneTokenException.class,
						(ex) -> assertThat(ex.getReason()).isEqualTo(CxoneTokenException.Reason.TIMEOUT))
				.hasMessageContaining("cxone.token.timeout"));
			assertThat(cxone.tokenRequestCount()).isEqualTo(1);
			cxone.tokenTrickle(null);
			assertThat(whoami(client).block(TIMEOUT)).contains("Embedded CXone API Key");
			assertThat(cxone.tokenRequestCount()).isEqualTo(2);
		});
	}

	@Test
	void whenTwoCallsEvictTheSameRefusedTokenAtOnceThenTheNewerTokenStaysInTheStore() throws Exception {
		ClientRegistration registration = registration();
		GatedStore store = new GatedStore(
				new InMemoryReactiveOAuth2AuthorizedClientService(new InMemoryReactiveClientRegistrationRepository(registration)));
		runner().withBean("cxoneAuthorizedClientService", ReactiveOAuth2AuthorizedClientService.class, () -> store)
			.run((context) -> {
				CxoneWebClient client = context.getBean(CxoneWebClient.class);
				whoami(client).block(TIMEOUT);
				cxone.revokeAllTokens();
				store.holdNextRemoval();
				CompletableFuture<String> first = whoami(client).toFuture();
				// The first eviction has read the refused token and is removing it...
				assertThat(store.removalHeld.await(30, TimeUnit.SECONDS)).isTrue();
				// ...when a second call meets the same refused token.
				CompletableFuture<String> second = whoami(client).toFuture();
				try {
					second.get(2, TimeUnit.SECONDS);
				}
				catch (TimeoutException ex) {
					// It waits for the first eviction's new token: fine.
				}
				store.releaseRemoval();
				assertThat(first.get(30, TimeUnit.SECONDS)).contains("Embedded CXone API Key");
				assertThat(second.get(30, TimeUnit.SECONDS)).contains("Embedded CXone API Key");
				OAuth2AuthorizedClient stored = store
					.<OAuth2AuthorizedClient>loadAuthorizedClient(CxoneAutoConfiguration.REGISTRATION_ID,
							CxoneAutoConfiguration.PRINCIPAL)
					.block(TIMEOUT);
				assertThat(stored).as("the store holds the token in use").isNotNull();
				assertThat(stored.getAccessToken().getTokenValue())
					.isEqualTo(context.getBean(CxoneTokenManager.class).peek().getTokenValue());
				assertThat(cxone.tokenRequestCount()).isEqualTo(2);
			});
	}

	/**
	 * Return the CXone registration as an application's own token store or client manager
	 * would hold it, with the embedded CXone's credentials.
	 */
	private ClientRegistration registration() {
		return ClientRegistration.withRegistrationId(CxoneAutoConfiguration.REGISTRATION_ID)
			.authorizationGrantType(AuthorizationGrantType.CLIENT_CREDENTIALS)
			.clientId(EmbeddedCxone.CLIENT_ID)
			.clientSecret(EmbeddedCxone.CLIENT_SECRET)
			.tokenUri(cxone.tokenUri())
			.build();
	}

	/**
	 * An application's token store whose reads take 200 ms.
	 */
	static class SlowStore implements ReactiveOAuth2AuthorizedClientService {

		private final ReactiveOAuth2AuthorizedClientService delegate;

		SlowStore(ReactiveOAuth2AuthorizedClientService delegate) {
			this.delegate = delegate;
		}

		@Override
		public <T extends OAuth2AuthorizedClient> Mono<T> loadAuthorizedClient(String registrationId, String principal) {
			return Mono.delay(Duration.ofMillis(200)).then(this.delegate.loadAuthorizedClient(registrationId, principal));
		}

		@Override
		public Mono<Void> saveAuthorizedClient(OAuth2AuthorizedClient client, Authentication principal) {
			return this.delegate.saveAuthorizedClient(client, principal);
		}

		@Override
		public Mono<Void> removeAuthorizedClient(String registrationId, String principal) {
			return this.delegate.removeAuthorizedClient(registrationId, principal);
		}

	}

	/**
	 * An application's token store (backed by a database, say) whose next removal can be
	 * held until the test releases it.
	 */
	static class GatedStore implements ReactiveOAuth2AuthorizedClientService {

		private final ReactiveOAuth2AuthorizedClientService delegate;

		private final AtomicBoolean holdNext = new AtomicBoolean();

		private final Sinks.Empty<Void> gate = Sinks.empty();

		final CountDownLatch removalHeld = new CountDownLatch(1);

		GatedStore(ReactiveOAuth2AuthorizedClientService delegate) {
			this.delegate = delegate;
		}

		void holdNextRemoval() {
			this.holdNext.set(true);
		}

		void releaseRemoval() {
			this.gate.tryEmitEmpty();
		}

		@Override
		public <T extends OAuth2AuthorizedClient> Mono<T> loadAuthorizedClient(String registrationId, String principal) {
			return this.delegate.loadAuthorizedClient(registrationId, principal);
		}

		@Override
		public Mono<Void> saveAuthorizedClient(OAuth2AuthorizedClient client, Authentication principal) {
			return this.delegate.saveAuthorizedClient(client, principal);
		}

		@Override
		public Mono<Void> removeAuthorizedClient(String registrationId, String principal) {
			Mono<Void> removal = this.delegate.removeAuthorizedClient(registrationId, principal);
			if (this.holdNext.compareAndSet(true, false)) {
				return Mono.defer(() -> {
					this.removalHeld.countDown();
					return this.gate.asMono();
				}).then(removal);
			}
			return removal;
		}

	}

}
