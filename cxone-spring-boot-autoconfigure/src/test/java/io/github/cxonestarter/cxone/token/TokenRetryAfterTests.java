package io.github.cxonestarter.cxone.token;

import java.time.Duration;
import java.util.stream.Stream;

import io.github.cxonestarter.cxone.CxoneTestContexts;
import io.github.cxonestarter.cxone.CxoneTokenException;
import io.github.cxonestarter.cxone.CxoneTokenException.Reason;
import io.github.cxonestarter.cxone.CxoneWebClient;
import io.github.cxonestarter.cxone.test.EmbeddedCxone;
import io.github.cxonestarter.cxone.test.EmbeddedCxoneExtension;
import io.github.cxonestarter.cxone.test.InjectedFault;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import static io.github.cxonestarter.cxone.CxoneTestContexts.whoami;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Hostile {@code Retry-After} values on the token endpoint, and a {@code Retry-After} that
 * fits cxone.token.timeout alone but not what is left of it.
 */
@ExtendWith(EmbeddedCxoneExtension.class)
class TokenRetryAfterTests {

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
	void whenARetryAfterCannotBeWaitedWithinWhatIsLeftOfTheTokenTimeoutThenTheRequestFailsAtOnceAsRateLimited() {
		cxone.enqueueTokenFaults(2, InjectedFault.status(429).retryAfter("2"));
		runner().withPropertyValues("cxone.token.timeout=3s", "cxone.token.max-attempts=3").run((context) -> {
			CxoneWebClient client = context.getBean(CxoneWebClient.class);
			long start = System.nanoTime();
			assertThatExceptionOfType(CxoneTokenException.class).isThrownBy(() -> whoami(client).block(TIMEOUT))
				.satisfies((ex) -> assertThat(ex.getReason()).isEqualTo(Reason.RATE_LIMITED))
				.satisfies((ex) -> assertThat(ex.getRetryAfter()).isEqualTo(Duration.ofSeconds(2)))
				.withMessageContaining("cxone.token.timeout");
			// The second 429 comes about 2 s in: a second wait of 2 s cannot end before 3 s.
			assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofMillis(2800));
			assertThat(cxone.tokenRequestCount()).isEqualTo(2);
		});
	}

	@Test
	void whenARetryAfterEqualsTheTokenTimeoutThenTheRequestFailsAtOnceAsRateLimited() {
		cxone.enqueueTokenFaults(1, InjectedFault.status(429).retryAfter("2"));
		runner().withPropertyValues("cxone.token.timeout=2s").run((context) -> {
			CxoneWebClient client = context.getBean(CxoneWebClient.class);
			long start = System.nanoTime();
			assertThatExceptionOfType(CxoneTokenException.class).isThrownBy(() -> whoami(client).block(TIMEOUT))
				.satisfies((ex) -> assertThat(ex.getReason()).isEqualTo(Reason.RATE_LIMITED));
			assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofMillis(1500));
			assertThat(cxone.tokenRequestCount()).isEqualTo(1);
		});
	}

	static Stream<Arguments> hostileRetryAfters() {
		return Stream.of(Arguments.of("-1", 2), Arguments.of("garbage", 2), Arguments.of("0", 2),
				Arguments.of("1e3", 2), Arguments.of("Wed, 21 Oct 2015 07:28:00 GMT", 2),
				Arguments.of("99999999999999999999", 1), Arguments.of("999999999999999", 1),
				Arguments.of("Fri, 31 Dec 9999 23:59:59 GMT", 1), Arguments.of("1\n3600", 1),
				Arguments.of("garbage\n0.2", 2), Arguments.of("00000000000000000000001", 2));
	}

	@ParameterizedTest
	@MethodSource("hostileRetryAfters")
	void hostileRetryAfterNeverOverflowsNorWaitsBeyondTheTokenTimeout(String retryAfter, int requests) {
		cxone.enqueueTokenFaults(1, InjectedFault.status(503).retryAfter(retryAfter));
		runner().withPropertyValues("cxone.token.timeout=5s").run((context) -> {
			CxoneWebClient client = context.getBean(CxoneWebClient.class);
			long start = System.nanoTime();
			if (requests == 2) {
				assertThat(whoami(client).block(TIMEOUT)).contains("Embedded CXone API Key");
			}
			else {
				assertThatExceptionOfType(CxoneTokenException.class).isThrownBy(() -> whoami(client).block(TIMEOUT))
					.satisfies((ex) -> assertThat(ex.getReason()).isEqualTo(Reason.SERVER_ERROR));
			}
			assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(3));
			assertThat(cxone.tokenRequestCount()).isEqualTo(requests);
		});
	}

	@Test
	void whenA4xxCarriesARetryAfterThenItIsNotRetriedAndCarriesNone() {
		cxone.enqueueTokenFaults(1, InjectedFault.status(400).retryAfter("1"));
		runner().run((context) -> {
			CxoneWebClient client = context.getBean(CxoneWebClient.class);
			assertThatExceptionOfType(CxoneTokenException.class).isThrownBy(() -> whoami(client).block(TIMEOUT))
				.satisfies((ex) -> assertThat(ex.getRetryAfter()).isNull())
				.satisfies((ex) -> assertThat(ex.isTransient()).isFalse());
			assertThat(cxone.tokenRequestCount()).isEqualTo(1);
		});
	}

	@Test
	void whenA200CarriesAnHtmlPageThenItIsMalformedAndNotRetried() {
		cxone.enqueueTokenFaults(1, InjectedFault.status(200).htmlPage());
		runner().run((context) -> {
			CxoneWebClient client = context.getBean(CxoneWebClient.class);
			assertThatExceptionOfType(CxoneTokenException.class).isThrownBy(() -> whoami(client).block(TIMEOUT))
				.satisfies((ex) -> assertThat(ex.getReason()).isEqualTo(Reason.MALFORMED_RESPONSE));
			assertThat(cxone.tokenRequestCount()).isEqualTo(1);
		});
	}

	@Test
	void whenA200BodyStallsPastTheResponseTimeoutThenItIsATimeoutAndRetriedNotMalformed() {
		cxone.tokenTrickle(Duration.ofSeconds(1));
		runner().withPropertyValues("cxone.http.response-timeout=300ms", "cxone.token.max-attempts=2",
				"cxone.token.timeout=10s").run((context) -> {
			CxoneWebClient client = context.getBean(CxoneWebClient.class);
			assertThatExceptionOfType(CxoneTokenException.class).isThrownBy(() -> whoami(client).block(TIMEOUT))
				.satisfies((ex) -> assertThat(ex.getReason()).isEqualTo(Reason.TIMEOUT))
				.withMessageContaining("did not come in time");
			assertThat(cxone.tokenRequestCount()).isEqualTo(2);
		});
	}

}
