package io.github.cxonestarter.cxone.token;

import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import io.github.cxonestarter.cxone.CxoneTestContexts;
import io.github.cxonestarter.cxone.CxoneTokenException;
import io.github.cxonestarter.cxone.CxoneTokenException.Reason;
import io.github.cxonestarter.cxone.CxoneWebClient;
import io.github.cxonestarter.cxone.test.EmbeddedCxone;
import io.github.cxonestarter.cxone.test.EmbeddedCxoneExtension;
import io.github.cxonestarter.cxone.test.InjectedFault;
import io.github.cxonestarter.cxone.test.RecordedRequest;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import static io.github.cxonestarter.cxone.CxoneTestContexts.whoami;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;

/**
 * Retries of the token request, each attempt counted where it arrives: at the embedded
 * CXone's token endpoint. A 429 with {@code Retry-After}, a burst of 5xx, a connection
 * reset and an attempt that gets no answer within {@code cxone.http.response-timeout} (the
 * per-attempt timeout; {@code cxone.token.timeout} bounds all attempts together) are each
 * retried, within {@code cxone.token.max-attempts}, as one attempt sequence however many
 * callers wait for it.
 */
@ExtendWith(EmbeddedCxoneExtension.class)
class TokenRequestRetryTests {

	private static final Duration TIMEOUT = Duration.ofSeconds(30);

	private static final Duration RESPONSE_TIMEOUT = Duration.ofMillis(500);

	// The per-attempt timeout, short for the tests that wait for it; it bounds API calls too.
	private static final String SHORT_RESPONSE_TIMEOUT = "cxone.http.response-timeout=" + RESPONSE_TIMEOUT.toMillis()
			+ "ms";

	private EmbeddedCxone cxone;

	@BeforeEach
	void useCxone(EmbeddedCxone cxone) {
		// EmbeddedCxoneExtension runs one server for the class and resets it before each test.
		this.cxone = cxone;
	}

	private ApplicationContextRunner runner() {
		// Backoff of 50 ms between token attempts, far shorter than any Retry-After below.
		return CxoneTestContexts.runner(this.cxone);
	}

	@Test
	void whenTheTokenEndpointAnswers429WithRetryAfterThenTheRetryArrivesNoEarlierThanItAsks() {
		cxone.enqueueTokenFaults(1, InjectedFault.status(429).retryAfter("1"));
		runner().run((context) -> {
			CxoneWebClient client = context.getBean(CxoneWebClient.class);
			assertThat(whoami(client).block(TIMEOUT)).contains("Embedded CXone API Key");
			assertThat(cxone.tokenRequestCount()).isEqualTo(2);
			List<RecordedRequest> attempts = tokenAttempts();
			assertThat(attempts).extracting(RecordedRequest::status).containsExactly(429, 200);
			// The 429 left the server after it arrived, so this is a lower bound of the wait the client kept.
			assertThat(Duration.between(attempts.get(0).receivedAt(), attempts.get(1).receivedAt()))
				.isGreaterThanOrEqualTo(Duration.ofSeconds(1));
			assertThat(cxone.apiRequests()).hasSize(1);
		});
	}

	@Test
	void whenTheTokenEndpointAsksToWaitLongerThanTheTokenTimeoutThenTheRequestFailsAtOnceSayingSo() {
		cxone.enqueueTokenFaults(1, InjectedFault.status(429).retryAfter("3600"));
		runner().withPropertyValues("cxone.token.timeout=20s").run((context) -> {
			CxoneWebClient client = context.getBean(CxoneWebClient.class);
			assertThatExceptionOfType(CxoneTokenException.class).isThrownBy(() -> whoami(client).block(TIMEOUT))
				.satisfies((ex) -> assertThat(ex.getReason()).isEqualTo(Reason.RATE_LIMITED))
				.satisfies((ex) -> assertThat(ex.getRetryAfter()).isEqualTo(Duration.ofHours(1)))
				.withMessageContaining("3600s")
				.withMessageContaining("cxone.token.timeout");
			assertThat(cxone.tokenRequestCount()).isEqualTo(1);
		});
	}

	@Test
	void whenTheTokenEndpointFailsWithABurstOf5xxThenOneCallSucceedsAfterOneAttemptMoreThanTheFaults() {
		cxone.enqueueTokenFaults(1, InjectedFault.status(503))
			.enqueueTokenFaults(1, InjectedFault.status(502).htmlPage())
			.enqueueTokenFaults(1, InjectedFault.status(500));
		runner().withPropertyValues("cxone.token.max-attempts=4").run((context) -> {
			CxoneWebClient client = context.getBean(CxoneWebClient.class);
			assertThat(whoami(client).block(TIMEOUT)).contains("Embedded CXone API Key");
			assertThat(cxone.tokenRequestCount()).isEqualTo(4);
			assertThat(tokenAttempts()).extracting(RecordedRequest::status).containsExactly(503, 502, 500, 200);
			assertThat(cxone.apiRequests()).hasSize(1);
		});
	}

	@Test
	void whenTheTokenEndpointResetsTheConnectionTwiceThenTheThirdAttemptGetsTheToken() {
		cxone.enqueueTokenFaults(2, InjectedFault.closeWithoutResponse());
		runner().run((context) -> {
			CxoneWebClient client = context.getBean(CxoneWebClient.class);
			assertThat(whoami(client).block(TIMEOUT)).contains("Embedded CXone API Key");
			assertThat(cxone.tokenRequestCount()).isEqualTo(3);
			assertThat(tokenAttempts()).extracting(RecordedRequest::status).containsExactly(0, 0, 200);
			assertThat(cxone.apiRequests()).hasSize(1);
		});
	}

	@Test
	void whenTheTokenEndpointBreaksTheConnectionMidResponseThenTheNextAttemptGetsTheToken() {
		cxone.enqueueTokenFaults(1, InjectedFault.closeMidResponse());
		runner().run((context) -> {
			CxoneWebClient client = context.getBean(CxoneWebClient.class);
			assertThat(whoami(client).block(TIMEOUT)).contains("Embedded CXone API Key");
			assertThat(cxone.tokenRequestCount()).isEqualTo(2);
			assertThat(cxone.apiRequests()).hasSize(1);
		});
	}

	@Test
	void whenEveryTokenAnswerBreaksMidResponseThenTheErrorSaysTheConnectionBrokeNotThatTheUriIsWrong() {
		cxone.enqueueTokenFaults(2, InjectedFault.closeMidResponse());
		runner().withPropertyValues("cxone.token.max-attempts=2").run((context) -> {
			CxoneWebClient client = context.getBean(CxoneWebClient.class);
			assertThatExceptionOfType(CxoneTokenException.class).isThrownBy(() -> whoami(client).block(TIMEOUT))
				.satisfies((ex) -> assertThat(ex.getReason()).isEqualTo(Reason.UNREACHABLE))
				.withMessageContaining("connection broke")
				.withMessageNotContaining("not a JSON object");
			assertThat(cxone.tokenRequestCount()).isEqualTo(2);
		});
	}

	@Test
	void whenATokenAttemptGetsNoAnswerWithinTheResponseTimeoutThenItIsAbandonedAndRetried() {
		cxone.enqueueTokenFaults(1, InjectedFault.noResponse());
		runner().withPropertyValues(SHORT_RESPONSE_TIMEOUT).run((context) -> {
			CxoneWebClient client = context.getBean(CxoneWebClient.class);
			assertThat(whoami(client).block(TIMEOUT)).contains("Embedded CXone API Key");
			assertThat(cxone.tokenRequestCount()).isEqualTo(2);
			List<RecordedRequest> attempts = tokenAttempts();
			assertThat(attempts).extracting(RecordedRequest::status).containsExactly(0, 200);
			// Abandoned by the timeout, not at once; half of it, since the server may read the
			// first attempt later than the client's timeout started.
			assertThat(Duration.between(attempts.get(0).receivedAt(), attempts.get(1).receivedAt()))
				.isGreaterThanOrEqualTo(RESPONSE_TIMEOUT.dividedBy(2));
			assertThat(cxone.apiRequests()).hasSize(1);
		});
	}

	static Stream<Arguments> transientFaults() {
		// The fault, the status the server journals for it (0: no answer), the error's reason.
		return Stream.of(Arguments.of(InjectedFault.status(429), 429, Reason.RATE_LIMITED),
				Arguments.of(InjectedFault.status(503), 503, Reason.SERVER_ERROR),
				Arguments.of(InjectedFault.status(502).htmlPage(), 502, Reason.SERVER_ERROR),
				Arguments.of(InjectedFault.closeWithoutResponse(), 0, Reason.UNREACHABLE),
				Arguments.of(InjectedFault.noResponse(), 0, Reason.TIMEOUT));
	}

	@ParameterizedTest
	@MethodSource("transientFaults")
	void whenTheTokenEndpointFailsMoreOftenThanMaxAttemptsThenExactlyMaxAttemptsAreSentAndTheErrorIsTyped(
			InjectedFault fault, int journaledStatus, Reason reason) {
		cxone.enqueueTokenFaults(4, fault);
		runner().withPropertyValues("cxone.token.max-attempts=3", SHORT_RESPONSE_TIMEOUT).run((context) -> {
			CxoneWebClient client = context.getBean(CxoneWebClient.class);
			assertThatExceptionOfType(CxoneTokenException.class).isThrownBy(() -> whoami(client).block(TIMEOUT))
				.satisfies((ex) -> assertThat(ex.getReason()).isEqualTo(reason))
				.withMessageContaining(cxone.tokenUri());
			assertThat(cxone.tokenRequestCount()).isEqualTo(3);
			assertThat(cxone.apiRequests()).isEmpty();
			// The fourth fault is still queued: no attempt went on after the error. The next call
			// starts a new sequence, which meets it and then gets the token.
			assertThat(whoami(client).block(TIMEOUT)).contains("Embedded CXone API Key");
			assertThat(cxone.tokenRequestCount()).isEqualTo(5);
			assertThat(tokenAttempts()).extracting(RecordedRequest::status)
				.containsExactly(journaledStatus, journaledStatus, journaledStatus, journaledStatus, 200);
		});
	}

	@Test
	void whenCallersArriveWhileTheTokenRequestWaitsToRetryThenTheyShareItsOneAttemptSequence() {
		cxone.enqueueTokenFaults(1, InjectedFault.status(429).retryAfter("1"));
		runner().run((context) -> {
			CxoneWebClient client = context.getBean(CxoneWebClient.class);
			CompletableFuture<String> first = whoami(client).toFuture();
			// The 429 is answered: the first caller's token request now waits a second to retry.
			await().atMost(TIMEOUT).until(() -> !cxone.tokenRequests().isEmpty());
			List<String> answers = Flux.range(0, 50).flatMap((i) -> whoami(client), 50).collectList().block(TIMEOUT);
			assertThat(first.get(TIMEOUT.toSeconds(), TimeUnit.SECONDS)).contains("Embedded CXone API Key");
			assertThat(answers).hasSize(50);
			assertThat(cxone.tokenRequestCount()).isEqualTo(2);
			assertThat(tokenAttempts()).extracting(RecordedRequest::status).containsExactly(429, 200);
			assertThat(cxone.apiRequests()).hasSize(51)
				.extracting((request) -> request.header("Authorization"))
				.containsOnly(cxone.apiRequests().get(0).header("Authorization"));
		});
	}

	@Test
	void whenFiftyCallersStartColdAgainstResetConnectionsThenOneAttemptSequenceFailsThemAllAndTheNextCallStartsAnother() {
		cxone.enqueueTokenFaults(4, InjectedFault.closeWithoutResponse());
		runner().withPropertyValues("cxone.token.max-attempts=3").run((context) -> {
			CxoneWebClient client = context.getBean(CxoneWebClient.class);
			// Only errors are collected: a caller that got a token leaves one fewer.
			List<Throwable> errors = Flux.range(0, 50)
				.flatMap((i) -> whoami(client).then(Mono.<Throwable>empty()).onErrorResume(Mono::just), 50)
				.collectList()
				.block(TIMEOUT);
			assertThat(errors).hasSize(50).allSatisfy((error) -> assertThat(error).isSameAs(errors.get(0)));
			assertThat(errors.get(0)).isInstanceOfSatisfying(CxoneTokenException.class,
					(ex) -> assertThat(ex.getReason()).isEqualTo(Reason.UNREACHABLE));
			assertThat(cxone.tokenRequestCount()).isEqualTo(3);
			assertThat(cxone.apiRequests()).isEmpty();
			assertThat(Flux.range(0, 50).flatMap((i) -> whoami(client), 50).collectList().block(TIMEOUT)).hasSize(50);
			assertThat(cxone.tokenRequestCount()).isEqualTo(5);
			assertThat(tokenAttempts()).extracting(RecordedRequest::status).containsExactly(0, 0, 0, 0, 200);
		});
	}

	/**
	 * Return the token requests in the order they arrived (the journal keeps them in the
	 * order they were answered).
	 */
	private List<RecordedRequest> tokenAttempts() {
		return cxone.tokenRequests().stream().sorted(Comparator.comparing(RecordedRequest::receivedAt)).toList();
	}

}
