package io.github.cxonestarter.cxone.web;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;

import io.github.cxonestarter.cxone.CxoneApiException;
import io.github.cxonestarter.cxone.CxoneRateLimitException;
import io.github.cxonestarter.cxone.CxoneTestContexts;
import io.github.cxonestarter.cxone.CxoneWebClient;
import io.github.cxonestarter.cxone.test.EmbeddedCxone;
import io.github.cxonestarter.cxone.test.EmbeddedCxoneExtension;
import io.github.cxonestarter.cxone.test.RecordedRequest;
import io.github.resilience4j.retry.Retry;
import io.github.resilience4j.retry.RetryConfig;
import io.github.resilience4j.retry.RetryRegistry;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import reactor.core.publisher.Flux;

import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.web.reactive.function.client.ClientResponse;
import org.springframework.web.reactive.function.client.WebClientRequestException;
import org.springframework.web.reactive.function.client.WebClientResponseException;

import static io.github.cxonestarter.cxone.CxoneTestContexts.whoami;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Resilience4j retries of {@link CxoneWebClient} calls against an embedded CXone that
 * records when each request arrived.
 */
@ExtendWith({ EmbeddedCxoneExtension.class })
class RetryTests {

	private static final Duration TIMEOUT = Duration.ofSeconds(30);

	private EmbeddedCxone cxone;

	@BeforeEach
	void useCxone(EmbeddedCxone cxone) {
		// EmbeddedCxoneExtension runs one server for the class and resets it before each test.
		this.cxone = cxone;
	}

	private ApplicationContextRunner runner() {
		return CxoneTestContexts.runner(cxone).withPropertyValues("cxone.retry.initial-backoff=50ms");
	}

	@Test
	void whenTwo429sCarryRetryAfterSecondsThenEachRetryWaitsAtLeastThatLong() {
		runner().run((context) -> {
			CxoneWebClient client = context.getBean(CxoneWebClient.class);
			whoami(client).block(TIMEOUT);
			cxone.enqueueApiFaults(2, 429, "2");
			assertThat(whoami(client).block(TIMEOUT)).contains("Embedded CXone API Key");
			List<RecordedRequest> calls = cxone.apiRequests().subList(1, 4);
			assertThat(calls).extracting(RecordedRequest::status).containsExactly(429, 429, 200);
			assertThat(Duration.between(calls.get(0).receivedAt(), calls.get(1).receivedAt()))
				.isGreaterThanOrEqualTo(Duration.ofSeconds(2));
			assertThat(Duration.between(calls.get(1).receivedAt(), calls.get(2).receivedAt()))
				.isGreaterThanOrEqualTo(Duration.ofSeconds(2));
			assertThat(calls).allSatisfy((call) -> assertThat(call.header("Authorization")).startsWith("Bearer "));
		});
	}

	@Test
	void whenA429CarriesRetryAfterAsAnHttpDateThenTheRetryWaitsUntilThatDate() {
		runner().run((context) -> {
			CxoneWebClient client = context.getBean(CxoneWebClient.class);
			// The token first, so that the call below reaches CXone at once.
			whoami(client).block(TIMEOUT);
			// Whole seconds, as HTTP-dates have them: 2 to 3 s from now.
			Instant notBefore = Instant.now().plusSeconds(3).truncatedTo(ChronoUnit.SECONDS);
			cxone.enqueueApiFaults(1, 429, httpDate(notBefore));
			whoami(client).block(TIMEOUT);
			List<RecordedRequest> calls = cxone.apiRequests();
			assertThat(calls).extracting(RecordedRequest::status).containsExactly(200, 429, 200);
			// The 429 came well before the date, so a retry after the 50 ms backoff would be early.
			assertThat(calls.get(1).receivedAt()).isBefore(notBefore.minusSeconds(1));
			assertThat(calls.get(2).receivedAt()).as("when the retry arrived").isAfterOrEqualTo(notBefore);
		});
	}

	@Test
	void whenA429HasNoRetryAfterThenAJitteredBackoffIsUsed() {
		runner().withPropertyValues("cxone.retry.initial-backoff=400ms").run((context) -> {
			CxoneWebClient client = context.getBean(CxoneWebClient.class);
			cxone.enqueueApiFaults(1, 429, null);
			whoami(client).block(TIMEOUT);
			List<RecordedRequest> calls = cxone.apiRequests();
			assertThat(calls).extracting(RecordedRequest::status).containsExactly(429, 200);
			// 400 ms with 50 % jitter: between 200 and 600 ms.
			assertThat(Duration.between(calls.get(0).receivedAt(), calls.get(1).receivedAt()))
				.isGreaterThanOrEqualTo(Duration.ofMillis(200));
		});
	}

	@Test
	void whenSeveralAttemptsFailWithoutRetryAfterThenEachWaitGrowsByTheMultiplier() {
		// Waits of 100 ms, then 1 s, each with 50 % jitter; without the multiplier the second
		// would be at most 300 ms (1.5 x 100 ms x the default multiplier of 2).
		runner().withPropertyValues("cxone.retry.initial-backoff=100ms", "cxone.retry.multiplier=10").run((context) -> {
			List<Duration> gaps = waitsBetweenTwo503sAndTheirRetries(context.getBean(CxoneWebClient.class));
			assertThat(gaps.get(0)).as("first wait").isGreaterThanOrEqualTo(Duration.ofMillis(50));
			assertThat(gaps.get(1)).as("second wait")
				.isGreaterThanOrEqualTo(Duration.ofMillis(500))
				.isLessThan(Duration.ofSeconds(3));
		});
	}

	@Test
	void whenAWaitWouldExceedMaxBackoffThenItIsCappedThere() {
		// The second wait would be 2 s with 50 % jitter, so at least 1 s; max-backoff caps it at 300 ms.
		runner().withPropertyValues("cxone.retry.initial-backoff=200ms", "cxone.retry.multiplier=10",
				"cxone.retry.max-backoff=300ms")
			.run((context) -> {
				List<Duration> gaps = waitsBetweenTwo503sAndTheirRetries(context.getBean(CxoneWebClient.class));
				assertThat(gaps.get(0)).as("first wait").isGreaterThanOrEqualTo(Duration.ofMillis(100));
				assertThat(gaps.get(1)).as("second wait")
					.isGreaterThanOrEqualTo(Duration.ofMillis(300))
					.isLessThan(Duration.ofMillis(950));
			});
	}

	/**
	 * Make one call that meets two 503s before it succeeds, once the token is held, and
	 * return the two waits as the server saw them.
	 */
	private List<Duration> waitsBetweenTwo503sAndTheirRetries(CxoneWebClient client) {
		whoami(client).block(TIMEOUT);
		this.cxone.reset();
		this.cxone.enqueueApiFaults(EmbeddedCxone.WHOAMI_PATH, 2, 503, null);
		assertThat(whoami(client).block(TIMEOUT)).contains("Embedded CXone API Key");
		List<RecordedRequest> calls = this.cxone.apiRequests();
		assertThat(calls).extracting(RecordedRequest::status).containsExactly(503, 503, 200);
		return gaps(calls);
	}

	/**
	 * Return the time between each request and the next, as the server saw them.
	 */
	private static List<Duration> gaps(List<RecordedRequest> requests) {
		return IntStream.range(1, requests.size())
			.mapToObj((i) -> Duration.between(requests.get(i - 1).receivedAt(), requests.get(i).receivedAt()))
			.toList();
	}

	@Test
	void whenA503AnswersAGetThenItIsRetried() {
		runner().run((context) -> {
			cxone.enqueueApiFaults(1, 503, null);
			whoami(context.getBean(CxoneWebClient.class)).block(TIMEOUT);
			assertThat(cxone.apiRequests()).extracting(RecordedRequest::status).containsExactly(503, 200);
		});
	}

	@Test
	void whenA503AnswersAPostThenItIsNotRetried() {
		runner().run((context) -> {
			cxone.enqueueApiFaults(1, 503, null);
			CxoneWebClient client = context.getBean(CxoneWebClient.class);
			assertThatExceptionOfType(WebClientResponseException.ServiceUnavailable.class)
				.isThrownBy(() -> client.post().uri(EmbeddedCxone.ECHO_PREFIX).bodyValue(Map.of("a", 1)).retrieve()
					.bodyToMono(String.class).block(TIMEOUT));
			assertThat(cxone.apiRequests()).hasSize(1);
		});
	}

	@Test
	void whenAPostOptsInThenA503IsRetried() {
		runner().run((context) -> {
			cxone.enqueueApiFaults(1, 503, null);
			CxoneWebClient client = context.getBean(CxoneWebClient.class);
			assertThat(client.post().uri(EmbeddedCxone.ECHO_PREFIX).attribute(CxoneWebClient.RETRY_NON_IDEMPOTENT, true)
				.bodyValue(Map.of("a", 1)).retrieve().bodyToMono(String.class).block(TIMEOUT)).contains("\"method\":\"POST\"");
			assertThat(cxone.apiRequests()).extracting(RecordedRequest::status).containsExactly(503, 200);
		});
	}

	@Test
	void whenA429AnswersAPostThenItIsRetried() {
		runner().run((context) -> {
			cxone.enqueueApiFaults(1, 429, "0");
			CxoneWebClient client = context.getBean(CxoneWebClient.class);
			client.post().uri(EmbeddedCxone.ECHO_PREFIX).bodyValue(Map.of("a", 1)).retrieve().bodyToMono(String.class)
				.block(TIMEOUT);
			assertThat(cxone.apiRequests()).extracting(RecordedRequest::status).containsExactly(429, 200);
		});
	}

	@Test
	void whenRetryAfterIsLongerThanAllowedThenTheRateLimitErrorIsImmediate() {
		runner().run((context) -> {
			cxone.enqueueApiFaults(1, 429, "3600");
			assertThatExceptionOfType(CxoneRateLimitException.class)
				.isThrownBy(() -> whoami(context.getBean(CxoneWebClient.class)).block(TIMEOUT))
				.satisfies((ex) -> {
					assertThat(ex.getRetryAfter()).hasSeconds(3600);
					assertThat(ex.getAttempts()).isEqualTo(1);
				})
				.withMessageContaining("cxone.retry.max-retry-after")
				.withMessageContaining("honour Retry-After");
			assertThat(cxone.apiRequests()).hasSize(1);
		});
	}

	@Test
	void whenRetryAfterHasTwentyDigitsThenTheRateLimitErrorIsImmediate() {
		runner().run((context) -> {
			cxone.enqueueApiFaults(1, 429, "99999999999999999999");
			assertThatExceptionOfType(CxoneRateLimitException.class)
				.isThrownBy(() -> whoami(context.getBean(CxoneWebClient.class)).block(TIMEOUT))
				.satisfies((ex) -> assertThat(ex.getAttempts()).isEqualTo(1))
				.withMessageContaining("longer than cxone.retry.max-retry-after (60s)");
			assertThat(cxone.apiRequests()).hasSize(1);
		});
	}

	@Test
	void whenRetryAfterIsNegativeOrGarbageThenItCountsAsAbsentAndTheBackoffIsUsed() {
		runner().run((context) -> {
			cxone.enqueueApiFaults(EmbeddedCxone.WHOAMI_PATH, 1, 429, "-5");
			cxone.enqueueApiFaults(EmbeddedCxone.WHOAMI_PATH, 1, 429, "in a while");
			assertThat(whoami(context.getBean(CxoneWebClient.class)).block(TIMEOUT)).contains("Embedded CXone API Key");
			assertThat(cxone.apiRequests()).extracting(RecordedRequest::status).containsExactly(429, 429, 200);
		});
	}

	@Test
	void whenRetryAfterIsFractionalThenTheRetryWaitsThatLong() {
		runner().run((context) -> {
			cxone.enqueueApiFaults(1, 429, "1.5");
			whoami(context.getBean(CxoneWebClient.class)).block(TIMEOUT);
			List<RecordedRequest> calls = cxone.apiRequests();
			assertThat(calls).extracting(RecordedRequest::status).containsExactly(429, 200);
			assertThat(Duration.between(calls.get(0).receivedAt(), calls.get(1).receivedAt()))
				.isGreaterThanOrEqualTo(Duration.ofMillis(1500));
		});
	}

	@Test
	void whenTwoRetryAfterHeadersAreSentThenTheLongerWaitIsHonoured() {
		runner().run((context) -> {
			cxone.enqueueApiFaults(1, 429, "0\n2");
			whoami(context.getBean(CxoneWebClient.class)).block(TIMEOUT);
			List<RecordedRequest> calls = cxone.apiRequests();
			assertThat(calls).extracting(RecordedRequest::status).containsExactly(429, 200);
			assertThat(Duration.between(calls.get(0).receivedAt(), calls.get(1).receivedAt()))
				.isGreaterThanOrEqualTo(Duration.ofSeconds(2));
		});
	}

	@Test
	void whenRetryAfterIsAnHttpDateInThePastThenTheRetryIsNotDelayedByIt() {
		runner().run((context) -> {
			cxone.enqueueApiFaults(1, 429, httpDate(Instant.now().minus(Duration.ofDays(1))));
			whoami(context.getBean(CxoneWebClient.class)).block(TIMEOUT);
			assertThat(cxone.apiRequests()).extracting(RecordedRequest::status).containsExactly(429, 200);
		});
	}

	@Test
	void whenRetryAfterIsAnHttpDateInTheFarFutureThenTheRateLimitErrorIsImmediate() {
		runner().run((context) -> {
			cxone.enqueueApiFaults(1, 429, httpDate(Instant.now().plus(Duration.ofDays(1))));
			assertThatExceptionOfType(CxoneRateLimitException.class)
				.isThrownBy(() -> whoami(context.getBean(CxoneWebClient.class)).block(TIMEOUT))
				.satisfies((ex) -> assertThat(ex.getRetryAfter()).isGreaterThan(Duration.ofHours(23)))
				.withMessageContaining("cxone.retry.max-retry-after");
			assertThat(cxone.apiRequests()).hasSize(1);
		});
	}

	@Test
	void whenA503CarriesRetryAfterThenTheRetryWaitsAtLeastThatLong() {
		runner().run((context) -> {
			cxone.enqueueApiFaults(1, 503, "2");
			whoami(context.getBean(CxoneWebClient.class)).block(TIMEOUT);
			List<RecordedRequest> calls = cxone.apiRequests();
			assertThat(calls).extracting(RecordedRequest::status).containsExactly(503, 200);
			assertThat(Duration.between(calls.get(0).receivedAt(), calls.get(1).receivedAt()))
				.isGreaterThanOrEqualTo(Duration.ofSeconds(2));
		});
	}

	@Test
	void whenA503AsksToWaitLongerThanAllowedThenTheErrorIsImmediate() {
		runner().run((context) -> {
			cxone.enqueueApiFaults(1, 503, "3600");
			assertThatExceptionOfType(CxoneApiException.class)
				.isThrownBy(() -> whoami(context.getBean(CxoneWebClient.class)).block(TIMEOUT))
				.satisfies((ex) -> {
					assertThat(ex.getStatus()).isEqualTo(503);
					assertThat(ex.getAttempts()).isEqualTo(1);
				})
				.withMessageContaining("it asked to wait 3600s, longer than cxone.retry.max-retry-after (60s)");
			assertThat(cxone.apiRequests()).hasSize(1);
		});
	}

	@Test
	void whenFiftyAnswersCarryUnusableRetryAftersThenEveryBodyIsReleasedAndTheNextCallSucceeds() {
		runner().withPropertyValues("cxone.http.max-connections=4").run((context) -> {
			CxoneWebClient client = context.getBean(CxoneWebClient.class);
			String farFuture = httpDate(Instant.now().plus(Duration.ofDays(2)));
			for (int i = 0; i < 50; i++) {
				cxone.enqueueApiFaults(1, (i % 2 == 0) ? 429 : 503, (i % 3 == 0) ? farFuture : "99999999999999999999");
				assertThatExceptionOfType(CxoneApiException.class).isThrownBy(() -> whoami(client).block(TIMEOUT));
			}
			assertThat(cxone.apiRequests()).hasSize(50);
			// The pool holds four connections: a leaked one per answer would leave this call waiting.
			assertThat(whoami(client).block(Duration.ofSeconds(10))).contains("Embedded CXone API Key");
			assertThat(cxone.openConnections()).isLessThanOrEqualTo(4);
		});
	}

	private static String httpDate(Instant instant) {
		return DateTimeFormatter.RFC_1123_DATE_TIME.format(instant.atZone(ZoneOffset.UTC));
	}

	@Test
	void whenAttemptsRunOutOn429ThenTheRateLimitErrorCarriesStatusRetryAfterAndAttempts() {
		runner().run((context) -> {
			cxone.enqueueApiFaults(4, 429, "0");
			assertThatExceptionOfType(CxoneRateLimitException.class)
				.isThrownBy(() -> whoami(context.getBean(CxoneWebClient.class)).block(TIMEOUT))
				.satisfies((ex) -> {
					assertThat(ex.getStatus()).isEqualTo(429);
					assertThat(ex.getAttempts()).isEqualTo(4);
					assertThat(ex.getRetryAfter()).isZero();
					assertThat(ex.getStatusDescription()).isEqualTo("Injected fault 429");
				})
				.withMessageContaining("back off exponentially");
			assertThat(cxone.apiRequests()).hasSize(4);
		});
	}

	@Test
	void whenAttemptsRunOutOn503ThenTheApiErrorCarriesCxonesBodyAndStatusDescription() {
		runner().run((context) -> {
			cxone.enqueueApiFaults(4, 503, null);
			assertThatExceptionOfType(CxoneApiException.class)
				.isThrownBy(() -> whoami(context.getBean(CxoneWebClient.class)).block(TIMEOUT))
				.satisfies((ex) -> {
					assertThat(ex.getStatus()).isEqualTo(503);
					assertThat(ex.getAttempts()).isEqualTo(4);
					assertThat(ex.getResponseBody()).contains("injected");
					assertThat(ex.getStatusDescription()).isEqualTo("Injected fault 503");
				})
				.withMessageContaining("icStatusDescription: Injected fault 503");
		});
	}

	@Test
	void whenOtherClientErrorsAnswerThenTheyAreNeverRetried() {
		runner().run((context) -> {
			cxone.enqueueApiFaults(1, 404, null);
			assertThatExceptionOfType(WebClientResponseException.NotFound.class)
				.isThrownBy(() -> whoami(context.getBean(CxoneWebClient.class)).block(TIMEOUT));
			assertThat(cxone.apiRequests()).hasSize(1);
		});
	}

	@Test
	void whenARequestOptsOutThenA429IsReturnedAsIs() {
		runner().run((context) -> {
			cxone.enqueueApiFaults(1, 429, "1");
			CxoneWebClient client = context.getBean(CxoneWebClient.class);
			assertThatExceptionOfType(WebClientResponseException.TooManyRequests.class)
				.isThrownBy(() -> client.get().uri(EmbeddedCxone.WHOAMI_PATH).attribute(CxoneWebClient.NO_RETRY, true)
					.retrieve().bodyToMono(String.class).block(TIMEOUT));
			assertThat(cxone.apiRequests()).hasSize(1);
		});
	}

	@Test
	void whenRetryIsDisabledThenA503IsReturnedAsIs() {
		runner().withPropertyValues("cxone.retry.enabled=false").run((context) -> {
			cxone.enqueueApiFaults(1, 503, null);
			assertThatExceptionOfType(WebClientResponseException.ServiceUnavailable.class)
				.isThrownBy(() -> whoami(context.getBean(CxoneWebClient.class)).block(TIMEOUT));
			assertThat(cxone.apiRequests()).hasSize(1);
		});
	}

	@Test
	void whenAHundredRequestsEachMeetA429ThenNoConnectionLeaks() {
		// Enough attempts that a request meeting several of the 100 queued 429s still succeeds.
		runner().withPropertyValues("cxone.http.max-connections=4", "cxone.retry.max-attempts=101").run((context) -> {
			CxoneWebClient client = context.getBean(CxoneWebClient.class);
			int connectionsBefore = cxone.totalConnections();
			cxone.enqueueApiFaults(100, 429, "0");
			List<String> answers = Flux.range(0, 100).flatMap((i) -> whoami(client), 10).collectList().block(TIMEOUT);
			assertThat(answers).hasSize(100);
			assertThat(cxone.apiRequests()).hasSize(200);
			// Four pooled connections served all 201 requests: every 429's body was released.
			assertThat(cxone.totalConnections() - connectionsBefore).isLessThanOrEqualTo(4);
			assertThat(cxone.openConnections()).isLessThanOrEqualTo(4);
		});
	}

	@Test
	void whenTheApiIsUnreachableThenAGetIsRetriedAndTheErrorNamesTheBaseUrl() {
		EmbeddedCxone closed = EmbeddedCxone.start();
		String baseUrl = closed.baseUrl();
		closed.close();
		runner().withPropertyValues("cxone.base-url=" + baseUrl).run((context) -> {
			assertThatExceptionOfType(CxoneApiException.class)
				.isThrownBy(() -> whoami(context.getBean(CxoneWebClient.class)).block(TIMEOUT))
				.satisfies((ex) -> {
					assertThat(ex.getStatus()).isZero();
					assertThat(ex.getAttempts()).isEqualTo(4);
					assertThat(ex.getCause()).isInstanceOf(WebClientRequestException.class);
				})
				.withMessageContaining("cxone.base-url");
		});
	}

	@Test
	void whenTheApplicationHasARetryRegistryThenTheCxoneRetryIsRegisteredThere() {
		runner().withUserConfiguration(RegistryConfiguration.class).run((context) -> {
			RetryRegistry registry = context.getBean(RetryRegistry.class);
			assertThat(registry.getAllRetries()).extracting(Retry::getName).contains("cxone");
			cxone.enqueueApiFaults(1, 503, null);
			whoami(context.getBean(CxoneWebClient.class)).block(TIMEOUT);
			Retry.Metrics metrics = registry.retry("cxone").getMetrics();
			assertThat(metrics.getNumberOfSuccessfulCallsWithRetryAttempt()).isEqualTo(1);
			whoami(context.getBean(CxoneWebClient.class)).block(TIMEOUT);
			assertThat(metrics.getNumberOfSuccessfulCallsWithoutRetryAttempt()).isEqualTo(1);
			assertThat(metrics.getNumberOfSuccessfulCallsWithRetryAttempt()).isEqualTo(1);
		});
	}

	@Test
	void whenTheApplicationsRetryJudgesResponsesThenTheFirstResponseIsJudgedToo() {
		RetryConfig judgingResponses = RetryConfig.<ClientResponse>custom()
			.maxAttempts(2)
			.waitDuration(Duration.ofMillis(10))
			.retryOnResult((response) -> response.statusCode().value() == 404)
			.consumeResultBeforeRetryAttempt((attempt, response) -> response.releaseBody().subscribe())
			.build();
		runner().withBean("cxoneRetry", Retry.class, () -> Retry.of("cxone", judgingResponses)).run((context) -> {
			cxone.enqueueApiFaults(EmbeddedCxone.WHOAMI_PATH, 1, 404, null);
			assertThat(whoami(context.getBean(CxoneWebClient.class)).block(TIMEOUT)).contains("Embedded CXone API Key");
			assertThat(cxone.apiRequests()).extracting(RecordedRequest::status).containsExactly(404, 200);
		});
	}

	@Configuration(proxyBeanMethods = false)
	static class RegistryConfiguration {

		@Bean
		RetryRegistry retryRegistry() {
			return RetryRegistry.ofDefaults();
		}

	}

}
