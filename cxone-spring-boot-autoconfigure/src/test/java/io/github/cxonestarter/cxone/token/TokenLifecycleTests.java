package io.github.cxonestarter.cxone.token;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

import io.github.cxonestarter.cxone.CxoneAccessDeniedException;
import io.github.cxonestarter.cxone.CxoneAuthenticationException;
import io.github.cxonestarter.cxone.CxoneTestContexts;
import io.github.cxonestarter.cxone.CxoneTokenException;
import io.github.cxonestarter.cxone.CxoneWebClient;
import io.github.cxonestarter.cxone.CxoneWebClientCustomizer;
import io.github.cxonestarter.cxone.test.EmbeddedCxone;
import io.github.cxonestarter.cxone.test.EmbeddedCxoneExtension;
import io.github.cxonestarter.cxone.test.RecordedRequest;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import static io.github.cxonestarter.cxone.CxoneTestContexts.whoami;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;

/**
 * Token lifecycle of {@link CxoneWebClient} against an embedded CXone, counted at the
 * server: single flight, reuse, refresh-ahead, replay after 401, and token endpoint
 * failures.
 */
@ExtendWith({ EmbeddedCxoneExtension.class })
class TokenLifecycleTests {

	private static final Duration TIMEOUT = Duration.ofSeconds(30);

	private EmbeddedCxone cxone;

	@BeforeEach
	void useCxone(EmbeddedCxone cxone) {
		// EmbeddedCxoneExtension runs one server for the class and resets it before each test.
		this.cxone = cxone;
	}

	private ApplicationContextRunner runner() {
		return CxoneTestContexts.runner(cxone);
	}

	@Test
	void whenFiftyCallsRunOneAfterAnotherThenOneTokenServesThemAll() {
		runner().run((context) -> {
			CxoneWebClient client = context.getBean(CxoneWebClient.class);
			for (int i = 0; i < 50; i++) {
				assertThat(whoami(client).block(TIMEOUT)).contains("Embedded CXone API Key");
			}
			assertThat(cxone.tokenRequestCount()).isEqualTo(1);
			assertThat(cxone.apiRequests()).hasSize(50)
				.allSatisfy((request) -> assertThat(request.header("Authorization")).startsWith("Bearer cxone-")
					.isEqualTo(cxone.apiRequests().get(0).header("Authorization")));
		});
	}

	@Test
	void whenTheTokenResponseHasNoExpiresInThenTheDefaultLifetimeApplies() {
		cxone.includeExpiresIn(false);
		runner().run((context) -> {
			CxoneWebClient client = context.getBean(CxoneWebClient.class);
			for (int i = 0; i < 50; i++) {
				whoami(client).block(TIMEOUT);
			}
			assertThat(cxone.tokenRequestCount()).isEqualTo(1);
			Instant expiresAt = context.getBean(CxoneTokenManager.class).peek().getExpiresAt();
			assertThat(expiresAt).isAfter(Instant.now().plus(Duration.ofMinutes(59)));
		});
	}

	@Test
	void whenTwoHundredCallersStartColdThenOneTokenRequestServesThemAll() {
		runner().run((context) -> {
			CxoneWebClient client = context.getBean(CxoneWebClient.class);
			List<String> answers = Flux.range(0, 200).flatMap((i) -> whoami(client), 200).collectList().block(TIMEOUT);
			assertThat(answers).hasSize(200);
			assertThat(cxone.tokenRequestCount()).isEqualTo(1);
		});
	}

	@Test
	void whenManyCallersWaitForTheFirstTokenThenTheirConnectionsAreSpreadOverEventLoops() {
		cxone.tokenDelay(Duration.ofMillis(100));
		Set<String> eventLoops = ConcurrentHashMap.newKeySet();
		// Innermost filter: a response is emitted on the event loop of the connection it came on.
		CxoneWebClientCustomizer recordEventLoops = (builder) -> builder.filter((request, next) -> next
			.exchange(request)
			.doOnNext((response) -> eventLoops.add(Thread.currentThread().getName())));
		runner().withBean(CxoneWebClientCustomizer.class, () -> recordEventLoops).run((context) -> {
			CxoneWebClient client = context.getBean(CxoneWebClient.class);
			Flux.range(0, 64).flatMap((i) -> whoami(client), 64).blockLast(TIMEOUT);
			assertThat(cxone.tokenRequestCount()).isEqualTo(1);
			// Resumed all on the event loop that received the token, the 64 callers would open
			// every connection on that one loop, and it alone would carry all later traffic.
			assertThat(eventLoops).hasSizeGreaterThan(1);
		});
	}

	@Test
	void whenAThousandCallsRunAtConcurrencyHundredAgainstASlowTokenEndpointThenOneTokenRequestIsMade() {
		cxone.tokenDelay(Duration.ofMillis(300));
		runner().run((context) -> {
			CxoneWebClient client = context.getBean(CxoneWebClient.class);
			List<String> answers = Flux.range(0, 1000).flatMap((i) -> whoami(client), 100).collectList().block(TIMEOUT);
			assertThat(answers).hasSize(1000);
			assertThat(cxone.tokenRequestCount()).isEqualTo(1);
		});
	}

	@Test
	void whenTheTokenLivesShorterThanTheRunThenEachRenewalArrivesInTheRefreshWindowWhileCallersGoOnWithTheOldToken() {
		// A window shorter than half the lifetime (which would cap it), and twice the token delay.
		Duration lifetime = Duration.ofSeconds(4);
		Duration refreshSkew = Duration.ofMillis(1500);
		Duration tokenDelay = Duration.ofMillis(500);
		cxone.tokenLifetime(lifetime).tokenDelay(tokenDelay);
		runner().withPropertyValues("cxone.token.refresh-skew=" + refreshSkew.toMillis() + "ms").run((context) -> {
			CxoneWebClient client = context.getBean(CxoneWebClient.class);
			AtomicInteger failures = new AtomicInteger();
			// Calls one after another until the third token is in use: two renewals.
			Flux.range(0, Integer.MAX_VALUE)
				.concatMap((i) -> whoami(client).onErrorResume((ex) -> {
					failures.incrementAndGet();
					return Mono.empty();
				}).then(Mono.delay(Duration.ofMillis(10))))
				.takeUntil((tick) -> tokensInOrderOfUse().size() >= 3)
				.blockLast(TIMEOUT);
			assertThat(failures).hasValue(0);
			// One token request per token used.
			assertThat(cxone.tokenRequestCount()).isEqualTo(3);
			List<String> tokens = tokensInOrderOfUse();
			List<RecordedRequest> tokenRequests = tokenRequestsInOrder();
			for (int i = 1; i < tokenRequests.size(); i++) {
				// The server issues a token no earlier than the delay after the request arrived.
				Instant previousIssued = tokenRequests.get(i - 1).receivedAt().plus(tokenDelay);
				Instant renewal = tokenRequests.get(i).receivedAt();
				assertThat(renewal).as("renewal %d arrived after the refresh window opened", i)
					.isAfterOrEqualTo(previousIssued.plus(lifetime).minus(refreshSkew));
				assertThat(renewal).as("renewal %d arrived before the token it renews expired", i)
					.isBefore(previousIssued.plus(lifetime));
				String old = tokens.get(i - 1);
				assertThat(apiRequestsInOrder()).as("calls with the old token while renewal %d was in flight", i)
					.filteredOn((api) -> bearer(api).equals(old) && api.receivedAt().isAfter(renewal))
					.isNotEmpty();
			}
			// Each token used from its first call until the next one's.
			List<String> runs = new ArrayList<>();
			for (RecordedRequest api : apiRequestsInOrder()) {
				if (runs.isEmpty() || !runs.get(runs.size() - 1).equals(bearer(api))) {
					runs.add(bearer(api));
				}
			}
			assertThat(runs).isEqualTo(tokens);
			// The server refuses an expired token: none reached it, and nothing was replayed.
			assertThat(cxone.apiRequests()).filteredOn((request) -> request.status() != 200).isEmpty();
		});
	}

	@Test
	void whenTheTokenIsRevokedMidRunThenNoCallFailsAndOneNewTokenIsFetched() {
		runner().run((context) -> {
			CxoneWebClient client = context.getBean(CxoneWebClient.class);
			AtomicInteger failures = new AtomicInteger();
			Flux.range(0, 300).flatMap((i) -> {
				if (i == 100) {
					cxone.revokeAllTokens();
				}
				return whoami(client).onErrorResume((ex) -> {
					failures.incrementAndGet();
					return Mono.empty();
				});
			}, 20).blockLast(TIMEOUT);
			assertThat(failures).hasValue(0);
			assertThat(cxone.tokenRequestCount()).isEqualTo(2);
		});
	}

	@Test
	void whenTheTokenEndpointIsDownForTwoAttemptsThenCallersSucceedOnceItIsBackWithoutAStorm() {
		cxone.failTokenRequests(2, 503);
		runner().run((context) -> {
			CxoneWebClient client = context.getBean(CxoneWebClient.class);
			List<String> answers = Flux.range(0, 50).flatMap((i) -> whoami(client), 50).collectList().block(TIMEOUT);
			assertThat(answers).hasSize(50);
			assertThat(cxone.tokenRequestCount()).isEqualTo(3);
		});
	}

	@Test
	void whenRenewalFailsWhileTheTokenIsValidThenCallersGoOnWithItAndEachRenewalAttemptWaitsADoublingBackoff() {
		Duration backoff = Duration.ofMillis(150);
		cxone.tokenLifetime(Duration.ofSeconds(6));
		runner().withPropertyValues("cxone.token.refresh-skew=3s", "cxone.token.max-attempts=1",
				"cxone.token.initial-backoff=" + backoff.toMillis() + "ms")
			.run((context) -> {
				CxoneWebClient client = context.getBean(CxoneWebClient.class);
				whoami(client).block(TIMEOUT);
				Instant expiresAt = context.getBean(CxoneTokenManager.class).peek().getExpiresAt();
				cxone.failTokenRequests(1000, 503);
				// Into the refresh window, the last three seconds of the token's life.
				await().atMost(TIMEOUT).until(() -> Instant.now().isAfter(expiresAt.minusSeconds(3)));
				AtomicInteger failures = new AtomicInteger();
				// Calls one after another until three renewals have failed; they take about 0.5 s of
				// the 3 s left (the token's expiry only stops a broken run).
				Flux.range(0, Integer.MAX_VALUE)
					.concatMap((i) -> whoami(client).onErrorResume((ex) -> {
						failures.incrementAndGet();
						return Mono.empty();
					}).then(Mono.delay(Duration.ofMillis(5))))
					.takeUntil((tick) -> cxone.tokenRequests().size() == 4 || !Instant.now().isBefore(expiresAt))
					.blockLast(TIMEOUT);
				assertThat(failures).hasValue(0);
				List<RecordedRequest> attempts = tokenRequestsInOrder();
				assertThat(attempts).extracting(RecordedRequest::status).containsExactly(200, 503, 503, 503);
				String token = bearer(apiRequestsInOrder().get(0));
				assertThat(cxone.apiRequests()).filteredOn((request) -> request.status() != 200 || !bearer(request).equals(token))
					.isEmpty();
				for (int i = 2; i < attempts.size(); i++) {
					// The n-th failure waits the backoff doubled n-1 times, with a jitter of +-50%.
					Duration leastWait = backoff.multipliedBy(1L << (i - 2)).dividedBy(2);
					assertThat(Duration.between(attempts.get(i - 1).receivedAt(), attempts.get(i).receivedAt()))
						.as("wait before renewal attempt %d", i)
						.isGreaterThanOrEqualTo(leastWait);
				}
				for (int i = 2; i < attempts.size(); i++) {
					Instant from = attempts.get(i - 1).receivedAt();
					Instant to = attempts.get(i).receivedAt();
					assertThat(apiRequestsInOrder()).as("calls between renewal attempts %d and %d", i - 1, i)
						.filteredOn((api) -> api.receivedAt().isAfter(from) && api.receivedAt().isBefore(to))
						.isNotEmpty();
				}
			});
	}

	@Test
	void whenTheApiAnswers401TwiceThenTheErrorSaysHowToFixTheCredentials() {
		runner().run((context) -> {
			CxoneWebClient client = context.getBean(CxoneWebClient.class);
			whoami(client).block(TIMEOUT);
			cxone.enqueueApiFaults(2, 401, null);
			assertThatExceptionOfType(CxoneAuthenticationException.class).isThrownBy(() -> whoami(client).block(TIMEOUT))
				.withMessageContaining("401")
				.withMessageContaining("API key is disabled")
				.withMessageContaining("Settings > Integrations > API Keys")
				.withMessageNotContaining(EmbeddedCxone.CLIENT_SECRET);
			assertThat(cxone.tokenRequestCount()).isEqualTo(2);
		});
	}

	@Test
	void whenTheApiAnswers403ThenTheRequestIsNotReplayedAndTheErrorNamesTheMissingScope() {
		cxone.requireScope("/inContactAPI/services/v23.0/agents", "agents.read");
		runner().run((context) -> {
			CxoneWebClient client = context.getBean(CxoneWebClient.class);
			assertThatExceptionOfType(CxoneAccessDeniedException.class)
				.isThrownBy(() -> client.get().uri(EmbeddedCxone.AGENTS_PATH).retrieve().bodyToMono(String.class)
					.block(TIMEOUT))
				.withMessageContaining("agents.read")
				.withMessageContaining("15 minutes")
				.satisfies((ex) -> assertThat(ex.getRequiredScope()).isEqualTo("agents.read"));
			assertThat(cxone.apiRequests()).hasSize(1);
			assertThat(cxone.tokenRequestCount()).isEqualTo(1);
		});
	}

	@Test
	void whenTheClientSecretIsWrongThenTheTokenRequestIsNotRetriedAndTheErrorSaysHowToFixIt() {
		runner().withPropertyValues("cxone.client-secret=wrong-canary-secret").run((context) -> {
			CxoneWebClient client = context.getBean(CxoneWebClient.class);
			assertThatExceptionOfType(CxoneTokenException.class).isThrownBy(() -> whoami(client).block(TIMEOUT))
				.satisfies((ex) -> assertThat(ex.getReason()).isEqualTo(CxoneTokenException.Reason.INVALID_CLIENT))
				.withMessageContaining("401 invalid_client")
				.withMessageContaining("CXONE_CLIENT_SECRET")
				.withMessageContaining("Active")
				.withMessageNotContaining("wrong-canary-secret");
			assertThat(cxone.tokenRequestCount()).isEqualTo(1);
			assertThat(cxone.apiRequests()).isEmpty();
		});
	}

	@Test
	void whenAScopeIsRefusedThenTheErrorNamesTheScopesProperty() {
		runner().withPropertyValues("cxone.scopes=admin").run((context) -> {
			CxoneWebClient client = context.getBean(CxoneWebClient.class);
			assertThatExceptionOfType(CxoneTokenException.class).isThrownBy(() -> whoami(client).block(TIMEOUT))
				.satisfies((ex) -> assertThat(ex.getReason()).isEqualTo(CxoneTokenException.Reason.INVALID_SCOPE))
				.withMessageContaining("cxone.scopes");
			assertThat(cxone.tokenRequestCount()).isEqualTo(1);
		});
	}

	@Test
	void whenTheTokenResponseIsMalformedThenTheErrorSaysSoAndNothingIsCached() {
		cxone.failTokenRequests(1, 200);
		runner().run((context) -> {
			CxoneWebClient client = context.getBean(CxoneWebClient.class);
			assertThatExceptionOfType(CxoneTokenException.class).isThrownBy(() -> whoami(client).block(TIMEOUT))
				.satisfies((ex) -> assertThat(ex.getReason()).isEqualTo(CxoneTokenException.Reason.MALFORMED_RESPONSE))
				.withMessageContaining("no access_token");
			assertThat(whoami(client).block(TIMEOUT)).contains("Embedded CXone API Key");
			assertThat(cxone.tokenRequestCount()).isEqualTo(2);
		});
	}

	@Test
	void whenTheTokenRequestFailsThenEveryWaiterGetsTheSameErrorAndTheNextCallTriesAgain() {
		cxone.failTokenRequests(3, 500);
		runner().run((context) -> {
			CxoneWebClient client = context.getBean(CxoneWebClient.class);
			List<Throwable> errors = Flux.range(0, 20)
				.flatMap((i) -> whoami(client).map(Throwable.class::cast).onErrorResume(Mono::just), 20)
				.collectList()
				.block(TIMEOUT);
			assertThat(errors).hasSize(20).allSatisfy((error) -> assertThat(error).isSameAs(errors.get(0)));
			assertThat(errors.get(0)).isInstanceOf(CxoneTokenException.class)
				.satisfies((ex) -> assertThat(((CxoneTokenException) ex).getReason())
					.isEqualTo(CxoneTokenException.Reason.SERVER_ERROR));
			assertThat(cxone.tokenRequestCount()).isEqualTo(3);
			assertThat(whoami(client).block(TIMEOUT)).contains("Embedded CXone API Key");
			assertThat(cxone.tokenRequestCount()).isEqualTo(4);
		});
	}

	@Test
	void whenTheTokenEndpointIsTooSlowThenTheErrorIsATimeoutNamingTheUrl() {
		cxone.tokenDelay(Duration.ofSeconds(2));
		runner().withPropertyValues("cxone.http.response-timeout=200ms", "cxone.token.max-attempts=2").run((context) -> {
			CxoneWebClient client = context.getBean(CxoneWebClient.class);
			assertThatExceptionOfType(CxoneTokenException.class).isThrownBy(() -> whoami(client).block(TIMEOUT))
				.satisfies((ex) -> assertThat(ex.getReason()).isEqualTo(CxoneTokenException.Reason.TIMEOUT))
				.withMessageContaining(cxone.tokenUri())
				.withMessageContaining("cxone.http.response-timeout");
		});
	}

	@Test
	void whenTheTokenEndpointIsUnreachableThenTheErrorNamesTheUrl() {
		EmbeddedCxone closed = EmbeddedCxone.start();
		String tokenUri = closed.tokenUri();
		closed.close();
		runner().withPropertyValues("cxone.token-uri=" + tokenUri, "cxone.token.max-attempts=2").run((context) -> {
			CxoneWebClient client = context.getBean(CxoneWebClient.class);
			assertThatExceptionOfType(CxoneTokenException.class).isThrownBy(() -> whoami(client).block(TIMEOUT))
				.satisfies((ex) -> assertThat(ex.getReason()).isEqualTo(CxoneTokenException.Reason.UNREACHABLE))
				.withMessageContaining(tokenUri);
		});
	}

	@Test
	void whenARequestAimsAtAnotherHostThenItIsRefusedAndTheTokenNeverLeaves() {
		try (EmbeddedCxone other = EmbeddedCxone.start()) {
			runner().run((context) -> {
				CxoneWebClient client = context.getBean(CxoneWebClient.class);
				assertThatExceptionOfType(io.github.cxonestarter.cxone.CxoneForeignHostException.class)
					.isThrownBy(() -> client.get().uri(other.baseUrl() + EmbeddedCxone.WHOAMI_PATH).retrieve()
						.bodyToMono(String.class).block(TIMEOUT))
					.withMessageContaining(other.baseUrl())
					.withMessageContaining("only sends the CXone token to " + this.cxone.baseUrl());
				assertThat(other.requests()).isEmpty();
				assertThat(whoami(client).block(TIMEOUT)).contains("Embedded CXone API Key");
			});
		}
	}

	@Test
	void whenTheTokenProviderIsAskedThenItSharesTheClientsToken() {
		runner().run((context) -> {
			CxoneWebClient client = context.getBean(CxoneWebClient.class);
			whoami(client).block(TIMEOUT);
			String token = context.getBean(io.github.cxonestarter.cxone.CxoneAccessTokenProvider.class)
				.getAccessToken()
				.block(TIMEOUT)
				.getTokenValue();
			assertThat(cxone.apiRequests().get(0).header("Authorization")).isEqualTo("Bearer " + token);
			assertThat(cxone.tokenRequestCount()).isEqualTo(1);
		});
	}

	private List<RecordedRequest> apiRequestsInOrder() {
		return cxone.apiRequests().stream().sorted(Comparator.comparing(RecordedRequest::receivedAt)).toList();
	}

	private List<RecordedRequest> tokenRequestsInOrder() {
		return cxone.tokenRequests().stream().sorted(Comparator.comparing(RecordedRequest::receivedAt)).toList();
	}

	/**
	 * Return the tokens the API received, in the order of their first use.
	 */
	private List<String> tokensInOrderOfUse() {
		return apiRequestsInOrder().stream().map(TokenLifecycleTests::bearer).distinct().toList();
	}

	private static String bearer(RecordedRequest request) {
		return request.header("Authorization");
	}

}
