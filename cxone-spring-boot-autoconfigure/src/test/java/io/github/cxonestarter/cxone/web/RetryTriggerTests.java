package io.github.cxonestarter.cxone.web;

import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;

import io.github.cxonestarter.cxone.CxoneApiException;
import io.github.cxonestarter.cxone.CxoneConnectionException;
import io.github.cxonestarter.cxone.CxoneTestContexts;
import io.github.cxonestarter.cxone.CxoneWebClient;
import io.github.cxonestarter.cxone.test.EmbeddedCxone;
import io.github.cxonestarter.cxone.test.EmbeddedCxoneExtension;
import io.github.cxonestarter.cxone.test.InjectedFault;
import io.github.cxonestarter.cxone.test.RecordedRequest;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import reactor.core.publisher.Mono;
import reactor.netty.http.client.PrematureCloseException;

import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.http.HttpMethod;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.reactive.function.client.WebClient;
import org.springframework.web.reactive.function.client.WebClientRequestException;
import org.springframework.web.reactive.function.client.WebClientResponseException;

import static io.github.cxonestarter.cxone.CxoneTestContexts.whoami;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * What makes {@link CxoneExchangeFilter} retry a call, each attempt counted at an embedded
 * CXone: gateway errors, the methods that may be sent again, broken connections and
 * response timeouts; that every retry passes the authorization filter again; what the
 * application gets when a load balancer's page answers every attempt; and the replay of a
 * large body after a 401 that came before the body was read.
 */
@ExtendWith(EmbeddedCxoneExtension.class)
class RetryTriggerTests {

	private static final Duration TIMEOUT = Duration.ofSeconds(20);

	private static final String ECHO = EmbeddedCxone.ECHO_PREFIX + "/retry-trigger";

	private static final String WHOAMI = EmbeddedCxone.WHOAMI_PATH;

	private static final Set<HttpMethod> WITH_BODY = Set.of(HttpMethod.POST, HttpMethod.PUT, HttpMethod.PATCH);

	private EmbeddedCxone cxone;

	@BeforeEach
	void useCxone(EmbeddedCxone cxone) {
		this.cxone = cxone;
	}

	private ApplicationContextRunner runner() {
		return CxoneTestContexts.runner(this.cxone).withPropertyValues("cxone.retry.initial-backoff=20ms");
	}

	@ParameterizedTest
	@ValueSource(ints = { 502, 504 })
	void whenAGatewayErrorAnswersAGetThenItIsRetriedUntilItSucceeds(int status) {
		runner().run((context) -> {
			this.cxone.enqueueApiFaults(WHOAMI, 2, status, null);
			assertThat(whoami(context.getBean(CxoneWebClient.class)).block(TIMEOUT)).contains("Embedded CXone API Key");
			assertThat(this.cxone.apiRequests()).extracting(RecordedRequest::status)
				.containsExactly(status, status, 200);
		});
	}

	@ParameterizedTest
	@ValueSource(strings = { "PUT", "DELETE", "HEAD", "OPTIONS" })
	void whenA503AnswersAnIdempotentMethodThenItIsRetried(String method) {
		runner().run((context) -> {
			this.cxone.enqueueApiFaults(ECHO, 2, 503, null);
			ResponseEntity<Void> answer = send(context.getBean(CxoneWebClient.class), method).block(TIMEOUT);
			assertThat(answer.getStatusCode().value()).isEqualTo(200);
			assertThat(this.cxone.apiRequests()).extracting(RecordedRequest::method).containsOnly(method);
			assertThat(this.cxone.apiRequests()).extracting(RecordedRequest::status).containsExactly(503, 503, 200);
		});
	}

	// RFC 9110 section 9.2.2: POST and PATCH are not idempotent; a retry could apply them twice.
	@ParameterizedTest
	@ValueSource(strings = { "POST", "PATCH" })
	void whenA503AnswersANonIdempotentMethodThenItIsSentOnce(String method) {
		runner().run((context) -> {
			this.cxone.enqueueApiFaults(ECHO, 2, 503, null);
			CxoneWebClient client = context.getBean(CxoneWebClient.class);
			assertThatExceptionOfType(WebClientResponseException.ServiceUnavailable.class)
				.isThrownBy(() -> send(client, method).block(TIMEOUT));
			assertThat(this.cxone.apiRequests()).singleElement().satisfies((request) -> {
				assertThat(request.method()).isEqualTo(method);
				assertThat(request.status()).isEqualTo(503);
			});
		});
	}

	@ParameterizedTest
	@ValueSource(strings = { "GET", "HEAD", "OPTIONS", "PUT", "DELETE", "POST", "PATCH" })
	void whenA429AnswersAnyMethodThenItIsRetried(String method) {
		runner().run((context) -> {
			this.cxone.enqueueApiFaults(ECHO, 2, 429, "0");
			ResponseEntity<Void> answer = send(context.getBean(CxoneWebClient.class), method).block(TIMEOUT);
			assertThat(answer.getStatusCode().value()).isEqualTo(200);
			assertThat(this.cxone.apiRequests()).extracting(RecordedRequest::method).containsOnly(method);
			assertThat(this.cxone.apiRequests()).extracting(RecordedRequest::status).containsExactly(429, 429, 200);
		});
	}

	@ParameterizedTest
	@ValueSource(strings = { "POST", "PATCH" })
	void whenRetryNonIdempotentIsSetThenA503IsRetriedWithTheSameBodyProducedOnce(String method) {
		runner().withPropertyValues("cxone.retry.retry-non-idempotent=true").run((context) -> {
			AtomicInteger produced = new AtomicInteger();
			// A body that would differ if it were produced again for a retry.
			Mono<String> order = Mono.fromCallable(() -> "{\"order\":42,\"produced\":" + produced.incrementAndGet() + "}");
			this.cxone.enqueueApiFaults(ECHO, 2, 503, null);
			ResponseEntity<Void> answer = context.getBean(CxoneWebClient.class)
				.method(HttpMethod.valueOf(method))
				.uri(ECHO)
				.contentType(MediaType.APPLICATION_JSON)
				.body(order, String.class)
				.retrieve()
				.toBodilessEntity()
				.block(TIMEOUT);
			assertThat(answer.getStatusCode().value()).isEqualTo(200);
			List<RecordedRequest> attempts = this.cxone.apiRequests();
			assertThat(attempts).extracting(RecordedRequest::status).containsExactly(503, 503, 200);
			assertThat(attempts).extracting(RecordedRequest::body).containsOnly("{\"order\":42,\"produced\":1}");
			assertThat(produced).hasValue(1);
		});
	}

	@Test
	void whenTheConnectionIsResetBeforeAnAnswerThenAGetIsRetried() {
		runner().run((context) -> {
			this.cxone.enqueueApiFaults(WHOAMI, 2, InjectedFault.closeWithoutResponse());
			assertThat(whoami(context.getBean(CxoneWebClient.class)).block(TIMEOUT)).contains("Embedded CXone API Key");
			assertThat(this.cxone.apiRequests()).extracting(RecordedRequest::status).containsExactly(0, 0, 200);
		});
	}

	@Test
	void whenTheConnectionClosesAfterAPostWasSentThenItIsNotRetried() {
		runner().run((context) -> {
			this.cxone.enqueueApiFaults(ECHO, 2, InjectedFault.closeWithoutResponse());
			CxoneWebClient client = context.getBean(CxoneWebClient.class);
			// Typed, with the reason it was not retried; the transport's own exception is its cause.
			assertThatExceptionOfType(CxoneConnectionException.class)
				.isThrownBy(() -> client.post().uri(ECHO).contentType(MediaType.APPLICATION_JSON).bodyValue("{\"a\":1}")
					.retrieve().toBodilessEntity().block(TIMEOUT))
				.satisfies((ex) -> {
					assertThat(ex.getKind()).isEqualTo(CxoneConnectionException.Kind.CONNECTION_CLOSED);
					assertThat(ex.getAttempts()).isEqualTo(1);
				})
				.withMessageContaining("not retried, because POST is not idempotent")
				.withCauseInstanceOf(WebClientRequestException.class)
				.withRootCauseInstanceOf(PrematureCloseException.class);
			// The server read the whole request before the connection closed: CXone may have acted on it.
			assertThat(this.cxone.apiRequests()).singleElement().satisfies((request) -> {
				assertThat(request.body()).isEqualTo("{\"a\":1}");
				assertThat(request.status()).isZero();
			});
		});
	}

	@Test
	void whenNoAnswerComesWithinTheResponseTimeoutThenAGetIsRetried() {
		runner().withPropertyValues("cxone.http.response-timeout=500ms").run((context) -> {
			this.cxone.enqueueApiFaults(WHOAMI, 2, InjectedFault.noResponse());
			assertThat(whoami(context.getBean(CxoneWebClient.class)).block(TIMEOUT)).contains("Embedded CXone API Key");
			assertThat(this.cxone.apiRequests()).extracting(RecordedRequest::status).containsExactly(0, 0, 200);
		});
	}

	@Test
	void whenEveryAttemptTimesOutThenTheErrorCountsTheAttemptsAndSaysTimeout() {
		runner().withPropertyValues("cxone.http.response-timeout=500ms", "cxone.retry.max-attempts=2").run((context) -> {
			this.cxone.enqueueApiFaults(WHOAMI, 2, InjectedFault.noResponse());
			assertThatExceptionOfType(CxoneConnectionException.class)
				.isThrownBy(() -> whoami(context.getBean(CxoneWebClient.class)).block(TIMEOUT))
				.satisfies((ex) -> {
					assertThat(ex.getStatus()).isZero();
					assertThat(ex.getAttempts()).isEqualTo(2);
					assertThat(ex.getKind()).isEqualTo(CxoneConnectionException.Kind.RESPONSE_TIMEOUT);
				})
				.withMessageContaining("after 2 attempts.")
				.withMessageContaining("sent no answer within cxone.http.response-timeout (500 ms)");
			assertThat(this.cxone.apiRequests()).hasSize(2);
		});
	}

	@Test
	void whenTheTokenExpiresBeforeARetryThenTheRetryCarriesANewToken() {
		// The retry waits for Retry-After (3 s) after the 503, so it goes out after the 3 s
		// token that the first attempt carried has expired: only a retry that passes the
		// authorization filter again gets a new token; one that re-sends the first attempt's
		// request carries the expired token and meets a 401.
		this.cxone.tokenLifetime(Duration.ofSeconds(3));
		runner().run((context) -> {
			this.cxone.enqueueApiFaults(WHOAMI, 1, 503, "3");
			assertThat(whoami(context.getBean(CxoneWebClient.class)).block(TIMEOUT)).contains("Embedded CXone API Key");
			List<RecordedRequest> attempts = this.cxone.apiRequests();
			assertThat(attempts).extracting(RecordedRequest::status).containsExactly(503, 200);
			List<RecordedRequest> tokenRequests = this.cxone.tokenRequests();
			assertThat(tokenRequests).hasSize(2);
			assertThat(tokenRequests.get(1).receivedAt()).isAfter(attempts.get(0).receivedAt())
				.isBefore(attempts.get(1).receivedAt());
			assertThat(attempts.get(1).header("Authorization")).startsWith("Bearer ")
				.isNotEqualTo(attempts.get(0).header("Authorization"));
		});
	}

	@Test
	void whenEveryAttemptMeetsALoadBalancersHtmlPageThenTheApplicationGetsACxoneApiException() {
		assertFailsWithTypedError(InjectedFault.status(502).htmlPage(), 502, "<h1>502</h1>");
	}

	@Test
	void whenEveryAttemptMeetsABodyWithoutContentTypeThenTheApplicationGetsACxoneApiException() {
		assertFailsWithTypedError(InjectedFault.status(503).withoutContentType(), 503, "upstream failure 503");
	}

	private void assertFailsWithTypedError(InjectedFault fault, int status, String body) {
		runner().withPropertyValues("cxone.retry.max-attempts=2").run((context) -> {
			this.cxone.enqueueApiFaults(WHOAMI, 2, fault);
			CxoneWebClient client = context.getBean(CxoneWebClient.class);
			// The application expects JSON: no codec may see the page.
			assertThatExceptionOfType(CxoneApiException.class)
				.isThrownBy(() -> client.get().uri(WHOAMI).retrieve().bodyToMono(IdentityJson.class).block(TIMEOUT))
				.satisfies((ex) -> {
					assertThat(ex).isExactlyInstanceOf(CxoneApiException.class).hasNoCause();
					assertThat(ex.getStatus()).isEqualTo(status);
					assertThat(ex.getAttempts()).isEqualTo(2);
					assertThat(ex.getResponseBody()).contains(body);
					assertThat(ex.getStatusDescription()).isNull();
				})
				.withMessageStartingWith("CXone answered " + status + " to GET " + WHOAMI + " after 2 attempts");
			assertThat(this.cxone.apiRequests()).extracting(RecordedRequest::status).containsExactly(status, status);
		});
	}

	@Test
	void whenA401ComesBeforeALargeBodyWasReadThenTheBodyIsReplayedOnceWithANewToken() {
		runner().run((context) -> {
			CxoneWebClient client = context.getBean(CxoneWebClient.class);
			whoami(client).block(TIMEOUT);
			this.cxone.unauthorizedBeforeBody(true).revokeAllTokens();
			StringBuilder data = new StringBuilder();
			for (int i = 0; data.length() < 200_000; i++) {
				data.append(i).append(',');
			}
			String payload = "{\"data\":\"" + data + "\"}";
			AtomicInteger produced = new AtomicInteger();
			Mono<String> body = Mono.fromCallable(() -> {
				produced.incrementAndGet();
				return payload;
			});
			ResponseEntity<Void> answer = client.post().uri(ECHO).contentType(MediaType.APPLICATION_JSON)
				.body(body, String.class).retrieve().toBodilessEntity().block(TIMEOUT);
			assertThat(answer.getStatusCode().value()).isEqualTo(200);
			assertThat(produced).hasValue(1);
			List<RecordedRequest> attempts = this.cxone.apiRequests().subList(1, this.cxone.apiRequests().size());
			assertThat(attempts).extracting(RecordedRequest::status).containsExactly(401, 200);
			assertThat(attempts.get(0).body()).isEmpty();
			assertThat(attempts.get(1).body()).isEqualTo(payload);
			assertThat(attempts.get(1).header("Content-Length")).isEqualTo(String.valueOf(payload.length()));
			assertThat(attempts.get(1).header("Authorization")).isNotEqualTo(attempts.get(0).header("Authorization"));
			assertThat(this.cxone.tokenRequestCount()).isEqualTo(2);
		});
	}

	private static Mono<ResponseEntity<Void>> send(CxoneWebClient client, String method) {
		HttpMethod httpMethod = HttpMethod.valueOf(method);
		WebClient.RequestBodySpec request = client.method(httpMethod).uri(ECHO);
		WebClient.RequestHeadersSpec<?> spec = WITH_BODY.contains(httpMethod)
				? request.contentType(MediaType.APPLICATION_JSON).bodyValue("{\"n\":1}") : request;
		return spec.retrieve().toBodilessEntity();
	}

	/**
	 * What the application decodes "who am I" into.
	 */
	record IdentityJson(String id, String name) {
	}

}
