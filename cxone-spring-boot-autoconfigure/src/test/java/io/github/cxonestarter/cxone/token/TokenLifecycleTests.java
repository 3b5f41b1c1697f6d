package io.github.cxonestarter.cxone.token;

import java.time.Duration;
import java.time.Instant;
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
	void whenTheTokenLivesShorterThanTheRunThenOneTokenIsFetchedPerLifetimeAndNoCallFails() {
		cxone.tokenLifetime(Duration.ofSeconds(2)).tokenDelay(Duration.ofMillis(300));
		runner().withPropertyValues("cxone.token.refresh-skew=500ms").run((context) -> {
			CxoneWebClient client = context.getBean(CxoneWebClient.class);
			AtomicInteger failures = new AtomicInteger();
			Instant end = Instant.now().plusSeconds(5);
			Flux.range(0, Integer.MAX_VALUE)
				.takeWhile((i) -> Instant.now().isBefore(end))
				.concatMap((i) -> whoami(client).onErrorResume((ex) -> {
					failures.incrementAndGet();
					return Mono.empty();
				}).then(Mono.delay(Duration.ofMillis(20))))
				.blockLast(TIMEOUT);
			assertThat(failures).hasValue(0);
			// Renewal starts 500 ms before each 2 s token expires: a token every 1.5 to 2 s.
			assertThat(cxone.tokenRequestCount()).isBetween(3, 5);
			// While each renewal was in flight (300 ms), callers went on with the valid token.
			List<RecordedRequest> tokenRequests = cxone.tokenRequests();
			for (RecordedRequest renewal : tokenRequests.subList(1, tokenRequests.size())) {
				Instant sent = renewal.receivedAt();
				assertThat(cxone.apiRequests()).filteredOn((api) -> api.receivedAt().isAfter(sent)
						&& api.receivedAt().isBefore(sent.plusMillis(250)) && api.status() == 200)
					.isNotEmpty();
			}
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
	void whenRenewalFailsWhileTheTokenIsValidThenNoCallFailsAndRenewalBacksOff() {
		cxone.tokenLifetime(Duration.ofSeconds(4));
		runner().withPropertyValues("cxone.token.refresh-skew=2s", "cxone.token.max-attempts=1",
				"cxone.token.initial-backoff=300ms")
			.run((context) -> {
				CxoneWebClient client = context.getBean(CxoneWebClient.class);
				whoami(client).block(TIMEOUT);
				cxone.failTokenRequests(1000, 503);
				await().atMost(Duration.ofSeconds(5))
					.until(() -> Instant.now().isAfter(cxone.tokenRequests().get(0).receivedAt().plusMillis(2100)));
				AtomicInteger failures = new AtomicInteger();
				AtomicInteger calls = new AtomicInteger();
				Instant end = Instant.now().plusMillis(1200);
				Flux.range(0, Integer.MAX_VALUE)
					.takeWhile((i) -> Instant.now().isBefore(end))
					.concatMap((i) -> whoami(client).doOnNext((answer) -> calls.incrementAndGet())
						.onErrorResume((ex) -> {
							failures.incrementAndGet();
							return Mono.empty();
						}))
					.blockLast(TIMEOUT);
				assertThat(failures).hasValue(0);
				assertThat(calls.get()).isGreaterThan(50);
				// 1 initial token, then renewals spaced by a growing backoff (300 ms, 600 ms, ...), not one per call.
				assertThat(cxone.tokenRequestCount()).isBetween(2, 5);
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

}
