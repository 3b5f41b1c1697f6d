package io.github.cxonestarter.cxone.http;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

import io.github.cxonestarter.cxone.CxoneConnectionException;
import io.netty.handler.proxy.ProxyConnectException;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * How {@link ConnectionFailures} holds requests back after a proxy refused the
 * credentials (407), on a clock of the test's: one wait for a burst of refusals, one
 * probe when it is over, a longer wait only when the probe is refused too.
 */
class ProxyRefusalTests {

	private static final URI PROXIED = URI.create("https://api.example.com/platform/v1/whoami");

	private static final URI LOOPBACK = URI.create("http://127.0.0.1:8080/platform/v1/whoami");

	private static final String REFUSAL = "http, basic, /127.0.0.1:3128 => api.example.com/<unresolved>:443, "
			+ "status: 407 Proxy Authentication Required";

	private final AtomicLong now = new AtomicLong();

	private ConnectionFailures failures(CxoneProxy proxy) {
		return new ConnectionFailures(new CxoneHttpSettings(Duration.ofSeconds(5), Duration.ofSeconds(5), proxy, null,
				null), Duration.ofSeconds(1), this.now::get);
	}

	private static CxoneProxy proxy() {
		return CxoneProxy.of("127.0.0.1", 3128, "corp-user", "wrong", List.of());
	}

	private void refuse(ConnectionFailures failures) {
		failures.classify(new ProxyConnectException(REFUSAL), PROXIED, "cxone.base-url");
	}

	private void advance(Duration duration) {
		this.now.addAndGet(duration.toNanos());
	}

	@Test
	void whenManyRequestsInFlightAreRefusedAtOnceThenTheyCountAsOneRefusal() {
		ConnectionFailures failures = failures(proxy());
		for (int i = 0; i < 8; i++) {
			refuse(failures);
		}
		CxoneConnectionException held = failures.admit(PROXIED).refusal();
		assertThat(held).isNotNull();
		assertThat(held.getKind()).isEqualTo(CxoneConnectionException.Kind.PROXY_REFUSED);
		assertThat(held.isTransient()).isFalse();
		assertThat(held.getMessage()).contains("for 1000 ms", "cxone.http.proxy.refusal-backoff",
				"cxone.http.proxy.password")
			.doesNotContain("..");
		// Hosts the proxy does not serve are not held back.
		assertThat(failures.admit(LOOPBACK).refusal()).isNull();
	}

	@Test
	void whenTheWaitIsOverThenOneRequestProbesAndTheOthersWaitForIt() {
		ConnectionFailures failures = failures(proxy());
		refuse(failures);
		advance(Duration.ofMillis(1001));
		ConnectionFailures.Admission probe = failures.admit(PROXIED);
		assertThat(probe.isProbe()).isTrue();
		assertThat(probe.refusal()).isNull();
		for (int i = 0; i < 8; i++) {
			assertThat(failures.admit(PROXIED).refusal()).isNotNull()
				.satisfies((held) -> assertThat(held.getMessage()).contains("one request is trying the credentials"));
		}
		// The probe is refused too: twice the wait, then one probe again.
		refuse(failures);
		advance(Duration.ofMillis(1500));
		assertThat(failures.admit(PROXIED).refusal()).isNotNull()
			.satisfies((held) -> assertThat(held.getMessage()).contains("for 2000 ms"));
		advance(Duration.ofMillis(501));
		ConnectionFailures.Admission second = failures.admit(PROXIED);
		assertThat(second.isProbe()).isTrue();
		// It gets an answer: the proxy took the credentials, and nothing is held back any more.
		failures.probeEnded(second, true);
		assertThat(failures.admit(PROXIED)).satisfies((admission) -> {
			assertThat(admission.refusal()).isNull();
			assertThat(admission.isProbe()).isFalse();
		});
	}

	@Test
	void whenTheProbeFailsOtherwiseThenTheNextRequestProbesAgainAtOnce() {
		ConnectionFailures failures = failures(proxy());
		refuse(failures);
		advance(Duration.ofMillis(1001));
		ConnectionFailures.Admission probe = failures.admit(PROXIED);
		assertThat(probe.isProbe()).isTrue();
		// A timeout, a cancelled call: no word on the credentials, so another request tries them.
		failures.probeEnded(probe, false);
		assertThat(failures.admit(PROXIED).isProbe()).isTrue();
	}

	@Test
	void whenTheProbeNeverEndsThenAnotherIsLetThroughAfterAnotherWait() {
		ConnectionFailures failures = failures(proxy());
		refuse(failures);
		advance(Duration.ofMillis(1001));
		assertThat(failures.admit(PROXIED).isProbe()).isTrue();
		advance(Duration.ofMillis(999));
		assertThat(failures.admit(PROXIED).refusal()).isNotNull();
		advance(Duration.ofMillis(2));
		assertThat(failures.admit(PROXIED).isProbe()).isTrue();
	}

	@Test
	void whenTheApplicationsOwnConnectorsProxyRefusedThenEveryRequestIsHeldBack() {
		ConnectionFailures failures = failures(null);
		CxoneConnectionException first = failures.classify(new ProxyConnectException(REFUSAL), PROXIED,
				"cxone.base-url");
		assertThat(first.getMessage()).contains("the application's own connector");
		assertThat(first.getProxy()).isEqualTo("127.0.0.1:3128");
		assertThat(failures.admit(PROXIED).refusal()).isNotNull();
	}

}
