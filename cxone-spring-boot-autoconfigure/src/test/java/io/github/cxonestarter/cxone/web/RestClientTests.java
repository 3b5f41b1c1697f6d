package io.github.cxonestarter.cxone.web;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import io.github.cxonestarter.cxone.CxoneAccessDeniedException;
import io.github.cxonestarter.cxone.CxoneApiException;
import io.github.cxonestarter.cxone.CxoneAuthenticationException;
import io.github.cxonestarter.cxone.CxoneBlockingCallException;
import io.github.cxonestarter.cxone.CxoneConnectionException;
import io.github.cxonestarter.cxone.CxoneForeignHostException;
import io.github.cxonestarter.cxone.CxoneRateLimitException;
import io.github.cxonestarter.cxone.CxoneRestClient;
import io.github.cxonestarter.cxone.CxoneTestContexts;
import io.github.cxonestarter.cxone.CxoneTokenException;
import io.github.cxonestarter.cxone.CxoneWebClient;
import io.github.cxonestarter.cxone.autoconfigure.CxoneMetricsAutoConfiguration;
import io.github.cxonestarter.cxone.test.EmbeddedCxone;
import io.github.cxonestarter.cxone.test.EmbeddedCxoneExtension;
import io.github.cxonestarter.cxone.test.InjectedFault;
import io.github.cxonestarter.cxone.test.RecordedRequest;
import io.github.resilience4j.retry.Retry;
import io.github.resilience4j.retry.RetryConfig;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.MediaType;
import org.springframework.web.client.HttpClientErrorException;
import org.springframework.web.client.HttpServerErrorException;
import org.springframework.web.client.RestClient;
import org.springframework.web.reactive.function.client.ClientResponse;

import static io.github.cxonestarter.cxone.CxoneTestContexts.whoami;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * {@link CxoneRestClient} against an embedded CXone that records every request: the
 * guarantees of {@link CxoneWebClient}, on the blocking path.
 */
@ExtendWith(EmbeddedCxoneExtension.class)
class RestClientTests {

	private static final Duration TIMEOUT = Duration.ofSeconds(30);

	private static final String ECHO = EmbeddedCxone.ECHO_PREFIX;

	private EmbeddedCxone cxone;

	@BeforeEach
	void useCxone(EmbeddedCxone cxone) {
		this.cxone = cxone;
	}

	private ApplicationContextRunner runner() {
		return CxoneTestContexts.runner(this.cxone).withPropertyValues("cxone.retry.initial-backoff=20ms");
	}

	@Test
	void whenColdCallersUseBothClientsAtOnceThenOneTokenRequestServesThemAll() {
		this.cxone.tokenDelay(Duration.ofMillis(300));
		runner().run((context) -> {
			CxoneRestClient rest = context.getBean(CxoneRestClient.class);
			CxoneWebClient web = context.getBean(CxoneWebClient.class);
			ExecutorService threads = Executors.newFixedThreadPool(8);
			try {
				CountDownLatch start = new CountDownLatch(1);
				List<Future<String>> calls = new ArrayList<>();
				for (int i = 0; i < 8; i++) {
					boolean blocking = i % 2 == 0;
					calls.add(threads.submit(() -> {
						start.await();
						return blocking ? whoami(rest) : whoami(web).block(TIMEOUT);
					}));
				}
				start.countDown();
				for (Future<String> call : calls) {
					assertThat(call.get()).contains("Embedded CXone API Key");
				}
			}
			finally {
				threads.shutdownNow();
			}
			assertThat(this.cxone.tokenRequestCount()).isEqualTo(1);
			assertThat(this.cxone.apiRequests()).hasSize(8)
				.extracting((request) -> request.header("Authorization"))
				.containsOnly(this.cxone.apiRequests().get(0).header("Authorization"));
			assertThat(this.cxone.apiRequests()).extracting((request) -> request.header("Accept"))
				.containsOnly(MediaType.APPLICATION_JSON_VALUE);
		});
	}

	@Test
	void whenA429CarriesRetryAfterSecondsThenTheRetryWaitsAtLeastThatLong() {
		runner().run((context) -> {
			CxoneRestClient client = context.getBean(CxoneRestClient.class);
			whoami(client);
			this.cxone.enqueueApiFaults(1, 429, "1");
			assertThat(whoami(client)).contains("Embedded CXone API Key");
			List<RecordedRequest> calls = this.cxone.apiRequests();
			assertThat(calls).extracting(RecordedRequest::status).containsExactly(200, 429, 200);
			assertThat(Duration.between(calls.get(1).receivedAt(), calls.get(2).receivedAt()))
				.isGreaterThanOrEqualTo(Duration.ofSeconds(1));
			assertThat(this.cxone.tokenRequestCount()).isEqualTo(1);
		});
	}

	@Test
	void whenA429CarriesRetryAfterAsAnHttpDateThenTheRetryWaitsUntilThatDate() {
		runner().run((context) -> {
			CxoneRestClient client = context.getBean(CxoneRestClient.class);
			whoami(client);
			Instant notBefore = Instant.now().plusSeconds(3).truncatedTo(ChronoUnit.SECONDS);
			this.cxone.enqueueApiFaults(1, 429,
					DateTimeFormatter.RFC_1123_DATE_TIME.format(notBefore.atOffset(ZoneOffset.UTC)));
			whoami(client);
			List<RecordedRequest> calls = this.cxone.apiRequests();
			assertThat(calls).extracting(RecordedRequest::status).containsExactly(200, 429, 200);
			assertThat(calls.get(1).receivedAt()).isBefore(notBefore.minusSeconds(1));
			assertThat(calls.get(2).receivedAt()).as("when the retry arrived").isAfterOrEqualTo(notBefore);
		});
	}

	@Test
	void whenRetryAfterIsLongerThanTheMaximumThenTheCallFailsAtOnceWithARateLimitError() {
		runner().withPropertyValues("cxone.retry.max-retry-after=2s").run((context) -> {
			CxoneRestClient client = context.getBean(CxoneRestClient.class);
			this.cxone.enqueueApiFaults(1, 429, "60");
			assertThatExceptionOfType(CxoneRateLimitException.class).isThrownBy(() -> whoami(client))
				.withMessageContaining("429 Too Many Requests to GET " + EmbeddedCxone.WHOAMI_PATH)
				.withMessageContaining("longer than cxone.retry.max-retry-after (2s)")
				.satisfies((ex) -> assertThat(ex.getAttempts()).isEqualTo(1));
			assertThat(this.cxone.apiRequestCount()).isEqualTo(1);
		});
	}

	@Test
	void whenAttemptsRunOutThenTheErrorSaysHowManyWereMade() {
		runner().withPropertyValues("cxone.retry.max-attempts=3").run((context) -> {
			CxoneRestClient client = context.getBean(CxoneRestClient.class);
			this.cxone.enqueueApiFaults(3, 503, null);
			assertThatExceptionOfType(CxoneApiException.class).isThrownBy(() -> whoami(client))
				.withMessageContaining("CXone answered 503 to GET " + EmbeddedCxone.WHOAMI_PATH)
				.withMessageContaining("after 3 attempts")
				.satisfies((ex) -> assertThat(ex.getStatus()).isEqualTo(503));
			assertThat(this.cxone.apiRequestCount()).isEqualTo(3);
		});
	}

	@Test
	void whenAPostGets503ThenItIsNotRetriedUnlessTheRequestAllowsIt() {
		runner().run((context) -> {
			CxoneRestClient client = context.getBean(CxoneRestClient.class);
			this.cxone.enqueueApiFaults(ECHO, 1, 503, null);
			assertThatExceptionOfType(HttpServerErrorException.class)
				.isThrownBy(() -> client.post().uri(ECHO).body(Map.of("a", 1)).retrieve().body(String.class));
			assertThat(this.cxone.apiRequests()).extracting(RecordedRequest::status).containsExactly(503);
			this.cxone.reset().enqueueApiFaults(ECHO, 1, 503, null);
			assertThat(client.post().uri(ECHO).attribute(CxoneRestClient.RETRY_NON_IDEMPOTENT, true)
				.body(Map.of("a", 1)).retrieve().body(String.class)).contains("\"method\":\"POST\"");
			assertThat(this.cxone.apiRequests()).extracting(RecordedRequest::status).containsExactly(503, 200);
		});
	}

	@Test
	void whenARequestTurnsRetriesOffThenA429ReachesTheCallerAsIs() {
		runner().run((context) -> {
			CxoneRestClient client = context.getBean(CxoneRestClient.class);
			this.cxone.enqueueApiFaults(1, 429, "0");
			assertThatExceptionOfType(HttpClientErrorException.TooManyRequests.class)
				.isThrownBy(() -> client.get().uri(EmbeddedCxone.WHOAMI_PATH).attribute(CxoneRestClient.NO_RETRY, true)
					.retrieve().body(String.class));
			assertThat(this.cxone.apiRequestCount()).isEqualTo(1);
		});
	}

	@Test
	void whenA429MeetsAPostThenTheRetrySendsTheSameBytes() {
		runner().run((context) -> {
			CxoneRestClient client = context.getBean(CxoneRestClient.class);
			this.cxone.enqueueApiFaults(ECHO, 2, 429, "0");
			String answer = client.post().uri(ECHO).body(Map.of("order", 42, "note", "ünïcode"))
				.retrieve().body(String.class);
			List<RecordedRequest> attempts = this.cxone.apiRequests();
			assertThat(attempts).extracting(RecordedRequest::status).containsExactly(429, 429, 200);
			assertThat(attempts.get(0).body()).contains("\"order\":42").contains("ünïcode");
			assertThat(attempts).extracting(RecordedRequest::body).containsOnly(attempts.get(0).body());
			assertThat(attempts).extracting((request) -> request.header("content-type")).containsOnly("application/json");
			assertThat(answer).contains("\"method\":\"POST\"");
		});
	}

	@Test
	void whenTheTokenIsRevokedThenThePostIsReplayedOnceWithANewTokenAndTheSameBody() {
		runner().run((context) -> {
			CxoneRestClient client = context.getBean(CxoneRestClient.class);
			whoami(client);
			this.cxone.revokeAllTokens();
			client.post().uri(ECHO).body(Map.of("order", 7)).retrieve().body(String.class);
			List<RecordedRequest> calls = this.cxone.apiRequests();
			assertThat(calls).extracting(RecordedRequest::status).containsExactly(200, 401, 200);
			assertThat(calls.get(1).body()).isEqualTo(calls.get(2).body()).contains("\"order\":7");
			assertThat(calls.get(2).header("Authorization")).isNotEqualTo(calls.get(1).header("Authorization"));
			assertThat(this.cxone.tokenRequestCount()).isEqualTo(2);
			// The WebClient side gets the replacement too: no third token.
			whoami(context.getBean(CxoneWebClient.class)).block(TIMEOUT);
			assertThat(this.cxone.tokenRequestCount()).isEqualTo(2);
		});
	}

	@Test
	void whenNewTokensAreRefusedTooThenTheCallFailsWithAnAuthenticationErrorAfterOneReplay() {
		runner().run((context) -> {
			CxoneRestClient client = context.getBean(CxoneRestClient.class);
			this.cxone.enqueueApiFaults(2, 401, null);
			assertThatExceptionOfType(CxoneAuthenticationException.class).isThrownBy(() -> whoami(client))
				.withMessageContaining("It refused it twice");
			assertThat(this.cxone.apiRequestCount()).isEqualTo(2);
			assertThat(this.cxone.tokenRequestCount()).isEqualTo(2);
		});
	}

	@Test
	void whenAScopeIsMissingThenA403IsAnAccessDeniedErrorNamingIt() {
		this.cxone.requireScope(EmbeddedCxone.AGENTS_PATH, "agents.read");
		runner().run((context) -> {
			CxoneRestClient client = context.getBean(CxoneRestClient.class);
			assertThatExceptionOfType(CxoneAccessDeniedException.class)
				.isThrownBy(() -> client.get().uri(EmbeddedCxone.AGENTS_PATH).retrieve().body(String.class))
				.withMessageContaining("403 Forbidden")
				.withMessageContaining("'agents.read'")
				.satisfies((ex) -> assertThat(ex.getRequiredScope()).isEqualTo("agents.read"));
			assertThat(this.cxone.apiRequestCount()).isEqualTo(1);
		});
	}

	@Test
	void whenARequestNamesAnotherHostThenItIsRefusedAndNothingIsSentThere() {
		try (EmbeddedCxone other = EmbeddedCxone.start()) {
			runner().run((context) -> {
				CxoneRestClient client = context.getBean(CxoneRestClient.class);
				assertThatExceptionOfType(CxoneForeignHostException.class)
					.isThrownBy(() -> client.get().uri(other.baseUrl() + EmbeddedCxone.WHOAMI_PATH).retrieve()
						.body(String.class))
					.withMessageContaining("CxoneRestClient refused GET")
					.withMessageContaining("a RestClient of your own");
				assertThat(other.requests()).isEmpty();
				assertThat(this.cxone.tokenRequestCount()).isZero();
			});
		}
	}

	@Test
	void whenTheApiCannotBeReachedThenTheErrorIsATypedConnectionErrorNamingTheProperty() {
		int closedPort;
		try (EmbeddedCxone closed = EmbeddedCxone.start()) {
			closedPort = closed.port();
		}
		runner().withPropertyValues("cxone.base-url=http://127.0.0.1:" + closedPort, "cxone.retry.max-attempts=2")
			.run((context) -> {
				CxoneRestClient client = context.getBean(CxoneRestClient.class);
				assertThatExceptionOfType(CxoneConnectionException.class).isThrownBy(() -> whoami(client))
					.withMessageContaining("after 2 attempts")
					.withMessageContaining("cxone.base-url (CXONE_BASE_URL)");
			});
	}

	@Test
	void whenAResponseIsCutOffThenAGetIsRetried() {
		runner().run((context) -> {
			CxoneRestClient client = context.getBean(CxoneRestClient.class);
			this.cxone.enqueueApiFaults(EmbeddedCxone.WHOAMI_PATH, 1, InjectedFault.closeWithoutResponse());
			assertThat(whoami(client)).contains("Embedded CXone API Key");
			assertThat(this.cxone.apiRequests()).hasSize(2);
		});
	}

	@Test
	void whenCalledOnANonBlockingThreadThenItRefusesWithoutRequestingAToken() {
		runner().run((context) -> {
			CxoneRestClient client = context.getBean(CxoneRestClient.class);
			Mono<String> onEventLoop = Mono.fromCallable(() -> whoami(client)).subscribeOn(Schedulers.parallel());
			assertThatExceptionOfType(CxoneBlockingCallException.class).isThrownBy(() -> onEventLoop.block(TIMEOUT))
				.withMessageContaining("non-blocking thread 'parallel-")
				.withMessageContaining("Use CxoneWebClient");
			assertThat(this.cxone.tokenRequestCount()).isZero();
			assertThat(this.cxone.apiRequestCount()).isZero();
		});
	}

	@Test
	void whenNoTokenComesWithinTheTokenTimeoutThenTheWaitEndsWithATimeoutError() {
		this.cxone.tokenDelay(Duration.ofSeconds(5));
		runner().withPropertyValues("cxone.token.timeout=500ms").run((context) -> {
			CxoneRestClient client = context.getBean(CxoneRestClient.class);
			assertThatExceptionOfType(CxoneTokenException.class).isThrownBy(() -> whoami(client))
				.satisfies((ex) -> assertThat(ex.getReason()).isEqualTo(CxoneTokenException.Reason.TIMEOUT))
				.withMessageContaining("cxone.token.timeout");
			// Given up before the token came (the server holds it back 5 s): no API call was made.
			assertThat(this.cxone.tokenRequestCount()).isPositive();
			assertThat(this.cxone.apiRequestCount()).isZero();
		});
	}

	@Test
	void whenA429IsRetriedThenTheSameMetersCountIt() {
		runner().withConfiguration(AutoConfigurations.of(CxoneMetricsAutoConfiguration.class))
			.withUserConfiguration(MeterRegistryConfiguration.class)
			.run((context) -> {
				CxoneRestClient client = context.getBean(CxoneRestClient.class);
				this.cxone.enqueueApiFaults(1, 429, "0");
				whoami(client);
				MeterRegistry registry = context.getBean(MeterRegistry.class);
				assertThat(registry.get("cxone.responses.rate-limited").counter().count()).isEqualTo(1);
				assertThat(registry.get("cxone.retries").tag("target", "api").tag("cause", "429").counter().count())
					.isEqualTo(1);
				assertThat(registry.get("cxone.token.requests").tag("outcome", "success").timer().count()).isEqualTo(1);
			});
	}

	@Test
	void whenTheApplicationsRetryJudgesWebClientResponsesThenBlockingCallsStillWorkAndCloseTheirResponses() {
		RetryConfig judgingResponses = RetryConfig.<ClientResponse>custom()
			.maxAttempts(2)
			.waitDuration(Duration.ofMillis(10))
			.retryOnResult((response) -> response.statusCode().value() == 404)
			.consumeResultBeforeRetryAttempt((attempt, response) -> response.releaseBody().subscribe())
			.build();
		runner().withPropertyValues("cxone.http.max-connections=1")
			.withBean("cxoneRetry", Retry.class, () -> Retry.of("cxone", judgingResponses))
			.run((context) -> {
				CxoneRestClient client = context.getBean(CxoneRestClient.class);
				this.cxone.enqueueApiFaults(EmbeddedCxone.WHOAMI_PATH, 1, 404, null);
				// The result predicate is for WebClient's ClientResponse: the blocking path does not apply it.
				assertThatExceptionOfType(HttpClientErrorException.NotFound.class).isThrownBy(() -> whoami(client));
				assertThat(whoami(client)).contains("Embedded CXone API Key");
				this.cxone.enqueueApiFaults(EmbeddedCxone.WHOAMI_PATH, 1, 503, null);
				assertThat(whoami(client)).contains("Embedded CXone API Key");
				assertThat(this.cxone.apiRequests()).extracting(RecordedRequest::status).containsExactly(404, 200, 503, 200);
			});
	}

	@Test
	void whenTheApplicationHasItsOwnRestClientBuilderSingletonThenItIsLeftUntouched() {
		runner().withUserConfiguration(OwnRestClientBuilderConfiguration.class).run((context) -> {
			RestClient.Builder own = context.getBean(RestClient.Builder.class);
			whoami(context.getBean(CxoneRestClient.class));
			own.requestInterceptors((interceptors) -> assertThat(interceptors).isEmpty());
			RestClient plain = own.build();
			assertThatExceptionOfType(HttpClientErrorException.Unauthorized.class)
				.isThrownBy(() -> plain.get().uri(this.cxone.baseUrl() + EmbeddedCxone.WHOAMI_PATH).retrieve()
					.body(String.class));
			RecordedRequest last = this.cxone.apiRequests().get(this.cxone.apiRequests().size() - 1);
			assertThat(last.header("Authorization")).isNull();
		});
	}

	@Configuration(proxyBeanMethods = false)
	static class MeterRegistryConfiguration {

		@Bean
		MeterRegistry meterRegistry() {
			return new SimpleMeterRegistry();
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class OwnRestClientBuilderConfiguration {

		@Bean
		RestClient.Builder restClientBuilder() {
			return RestClient.builder();
		}

	}

}
