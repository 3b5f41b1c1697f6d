package io.github.cxonestarter.cxone.metrics;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

import io.github.cxonestarter.cxone.CxoneTestContexts;
import io.github.cxonestarter.cxone.CxoneTokenException;
import io.github.cxonestarter.cxone.CxoneWebClient;
import io.github.cxonestarter.cxone.autoconfigure.CxoneMetricsAutoConfiguration;
import io.github.cxonestarter.cxone.test.EmbeddedCxone;
import io.github.cxonestarter.cxone.test.EmbeddedCxoneExtension;
import io.github.cxonestarter.cxone.test.InjectedFault;
import io.github.cxonestarter.cxone.test.RecordedRequest;
import io.github.cxonestarter.cxone.token.CxoneTokenManager;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import reactor.core.publisher.Flux;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import static io.github.cxonestarter.cxone.CxoneTestContexts.whoami;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;

/**
 * The token meters, counted exactly after a scripted run against an embedded CXone whose
 * journal says what really happened: {@code cxone.token.requests} by {@code outcome},
 * {@code cxone.retries} of {@code target=token} by {@code cause},
 * {@code cxone.token.renewals} and {@code cxone.token.evictions}.
 */
@ExtendWith(EmbeddedCxoneExtension.class)
class TokenMetersTests {

	private static final Duration TIMEOUT = Duration.ofSeconds(30);

	private EmbeddedCxone cxone;

	@BeforeEach
	void useCxone(EmbeddedCxone cxone) {
		// EmbeddedCxoneExtension runs one server for the class and resets it before each test.
		this.cxone = cxone;
	}

	private ApplicationContextRunner runner() {
		return CxoneTestContexts.runner(this.cxone)
			.withConfiguration(AutoConfigurations.of(CxoneMetricsAutoConfiguration.class))
			.withBean(MeterRegistry.class, SimpleMeterRegistry::new);
	}

	@Test
	void whenTokenAttemptsFailThenEachRetryIsCountedByCauseAndEachTokenRequestOnceByOutcome() {
		runner().withPropertyValues("cxone.token.max-attempts=4", "cxone.http.response-timeout=500ms").run((context) -> {
			CxoneWebClient client = context.getBean(CxoneWebClient.class);
			MeterRegistry meters = context.getBean(MeterRegistry.class);
			cxone.enqueueTokenFaults(4, InjectedFault.status(503));
			assertThatExceptionOfType(CxoneTokenException.class).isThrownBy(() -> whoami(client).block(TIMEOUT));
			cxone.enqueueTokenFaults(1, InjectedFault.status(429))
				.enqueueTokenFaults(1, InjectedFault.noResponse())
				.enqueueTokenFaults(1, InjectedFault.closeWithoutResponse());
			assertThat(whoami(client).block(TIMEOUT)).contains("Embedded CXone API Key");
			assertThat(cxone.tokenRequestCount()).isEqualTo(8);
			// One per token request, its retries included, tagged with how it ended.
			assertThat(tokenRequests(meters)).extracting((timer) -> timer.getId().getTag("outcome"))
				.containsExactlyInAnyOrder("server_error", "success");
			assertThat(meters.get("cxone.token.requests").tag("outcome", "server_error").timer().count()).isEqualTo(1);
			assertThat(meters.get("cxone.token.requests").tag("outcome", "success").timer().count()).isEqualTo(1);
			// One per attempt after the first of each request, tagged with why the attempt before failed.
			assertThat(tokenRetries(meters, "503")).isEqualTo(3);
			assertThat(tokenRetries(meters, "429")).isEqualTo(1);
			assertThat(tokenRetries(meters, "timeout")).isEqualTo(1);
			assertThat(tokenRetries(meters, "unreachable")).isEqualTo(1);
			double retries = meters.find("cxone.retries").tag("target", "token").counters().stream()
				.mapToDouble(Counter::count).sum();
			long requests = tokenRequests(meters).stream().mapToLong(Timer::count).sum();
			// What the server received: every request's first attempt, and every retry.
			assertThat(requests + (long) retries).isEqualTo(cxone.tokenRequestCount());
			assertThat(meters.find("cxone.retries").tag("target", "api").counters()).isEmpty();
			assertThat(meters.get("cxone.token.renewals").counter().count()).isZero();
			assertThat(meters.get("cxone.token.evictions").counter().count()).isZero();
		});
	}

	@Test
	void whenTheApiRefusesATokenThenOneEvictionIsCountedPerRefusedTokenNotPerCaller() {
		runner().run((context) -> {
			CxoneWebClient client = context.getBean(CxoneWebClient.class);
			MeterRegistry meters = context.getBean(MeterRegistry.class);
			whoami(client).block(TIMEOUT);
			cxone.revokeAllTokens();
			whoami(client).block(TIMEOUT);
			assertThat(meters.get("cxone.token.evictions").counter().count()).isEqualTo(1);
			cxone.revokeAllTokens();
			assertThat(Flux.range(0, 20).flatMap((i) -> whoami(client), 20).collectList().block(TIMEOUT)).hasSize(20);
			assertThat(meters.get("cxone.token.evictions").counter().count()).isEqualTo(2);
			assertThat(cxone.tokenRequestCount()).isEqualTo(3);
			// As many evictions as tokens the API refused.
			assertThat(cxone.apiRequests().stream()
				.filter((request) -> request.status() == 401)
				.map((request) -> request.header("Authorization"))
				.distinct()).hasSize(2);
			assertThat(meters.get("cxone.token.requests").tag("outcome", "success").timer().count()).isEqualTo(3);
			assertThat(meters.get("cxone.token.renewals").counter().count()).isZero();
			assertThat(meters.find("cxone.retries").tag("target", "token").counters()).isEmpty();
		});
	}

	@Test
	void whenARenewalFailsAndTheNextSucceedsThenBothAreCountedAsRenewalsAndOneAsAFailedTokenRequest() {
		cxone.tokenLifetime(Duration.ofSeconds(4));
		runner().withPropertyValues("cxone.token.refresh-skew=2s", "cxone.token.max-attempts=1").run((context) -> {
			CxoneWebClient client = context.getBean(CxoneWebClient.class);
			MeterRegistry meters = context.getBean(MeterRegistry.class);
			whoami(client).block(TIMEOUT);
			// The renewed token lives long, so that no call below finds it in its refresh window.
			cxone.tokenLifetime(Duration.ofHours(1));
			Instant expiresAt = context.getBean(CxoneTokenManager.class).peek().getExpiresAt();
			// Into the refresh window, the last two seconds of the token's life.
			await().atMost(TIMEOUT).until(() -> Instant.now().isAfter(expiresAt.minusSeconds(2)));
			cxone.failTokenRequests(1, 503);
			// Each call in the window starts a renewal unless one runs or the last one failed
			// less than the renewal backoff ago; calls go on until one has succeeded.
			await().atMost(TIMEOUT).pollInterval(Duration.ofMillis(20)).until(() -> {
				whoami(client).block(TIMEOUT);
				return cxone.tokenRequests().size() == 3;
			});
			assertThat(cxone.tokenRequests()).extracting(RecordedRequest::status).containsExactly(200, 503, 200);
			// The server records the answer before the renewal, in the background, has read it.
			await().atMost(TIMEOUT)
				.until(() -> meters.get("cxone.token.requests").tag("outcome", "success").timer().count() == 2);
			assertThat(meters.get("cxone.token.renewals").counter().count()).isEqualTo(2);
			assertThat(meters.get("cxone.token.requests").tag("outcome", "server_error").timer().count()).isEqualTo(1);
			assertThat(meters.get("cxone.token.requests").tag("outcome", "success").timer().count()).isEqualTo(2);
			// No renewal more: the renewed token is far from its refresh window.
			for (int i = 0; i < 20; i++) {
				whoami(client).block(TIMEOUT);
			}
			assertThat(meters.get("cxone.token.renewals").counter().count()).isEqualTo(2);
			assertThat(cxone.tokenRequestCount()).isEqualTo(3);
			assertThat(cxone.apiRequests()).allSatisfy((request) -> assertThat(request.status()).isEqualTo(200));
			assertThat(meters.get("cxone.token.evictions").counter().count()).isZero();
		});
	}

	private static List<Timer> tokenRequests(MeterRegistry meters) {
		return List.copyOf(meters.find("cxone.token.requests").timers());
	}

	private static double tokenRetries(MeterRegistry meters, String cause) {
		return meters.get("cxone.retries").tag("target", "token").tag("cause", cause).counter().count();
	}

}
