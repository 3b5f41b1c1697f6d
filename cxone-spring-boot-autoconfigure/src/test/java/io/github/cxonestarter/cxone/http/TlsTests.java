package io.github.cxonestarter.cxone.http;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;

import io.github.cxonestarter.cxone.CxoneConnectionException;
import io.github.cxonestarter.cxone.CxoneTestContexts;
import io.github.cxonestarter.cxone.CxoneTlsException;
import io.github.cxonestarter.cxone.CxoneTokenException;
import io.github.cxonestarter.cxone.CxoneWebClient;
import io.github.cxonestarter.cxone.test.EmbeddedCxone;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.ssl.SslAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.http.MediaType;

import static io.github.cxonestarter.cxone.CxoneTestContexts.whoami;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * The TLS path, against an embedded CXone that serves HTTPS with a certificate it made at
 * start-up, which the JVM does not trust: trusted through {@code cxone.http.ssl.bundle}
 * alone, and the typed error when it is not, or when it names another host.
 */
class TlsTests {

	private static final Duration TIMEOUT = Duration.ofSeconds(20);

	private static ApplicationContextRunner runner(EmbeddedCxone cxone) {
		return CxoneTestContexts.runner(cxone)
			.withConfiguration(AutoConfigurations.of(SslAutoConfiguration.class))
			.withPropertyValues("cxone.token.max-attempts=3");
	}

	private static String[] trusting(EmbeddedCxone cxone) {
		return new String[] { "spring.ssl.bundle.pem.corporate.truststore.certificate=" + cxone.certificatePem(),
				"cxone.http.ssl.bundle=corporate" };
	}

	@Test
	void whenTheBundleTrustsTheCertificateThenTokenAndApiCallsWorkOverHttps() {
		try (EmbeddedCxone cxone = EmbeddedCxone.startHttps()) {
			runner(cxone).withPropertyValues(trusting(cxone)).run((context) -> {
				CxoneWebClient client = context.getBean(CxoneWebClient.class);
				assertThat(whoami(client).block(TIMEOUT)).contains("Embedded CXone API Key");
				assertThat(whoami(client).block(TIMEOUT)).contains("Embedded CXone API Key");
				assertThat(cxone.tokenRequestCount()).isEqualTo(1);
				assertThat(cxone.apiRequestCount()).isEqualTo(2);
			});
		}
	}

	@Test
	void whenNothingTrustsTheCertificateThenTheCallFailsWithTheTypedTlsErrorAndIsNotRetried() {
		try (EmbeddedCxone cxone = EmbeddedCxone.startHttps()) {
			runner(cxone).run((context) -> {
				assertThatExceptionOfType(CxoneTokenException.class)
					.isThrownBy(() -> whoami(context.getBean(CxoneWebClient.class)).block(TIMEOUT))
					.satisfies((ex) -> {
						assertThat(ex.getReason()).isEqualTo(CxoneTokenException.Reason.TLS_FAILURE);
						assertThat(ex.getCause()).isInstanceOfSatisfying(CxoneTlsException.class, (tls) -> {
							assertThat(tls.getProblem()).isEqualTo(CxoneTlsException.Problem.UNTRUSTED_CERTIFICATE);
							assertThat(tls.isThroughProxy()).isFalse();
							assertThat(tls.getPort()).isEqualTo(cxone.port());
						});
					})
					.withMessageContaining("127.0.0.1:" + cxone.port())
					.withMessageContaining("not trusted")
					.withMessageContaining("cxone.http.ssl.bundle");
				// The handshake failed before any request: nothing was sent, and no retry can help.
				assertThat(cxone.tokenRequestCount()).isZero();
				assertThat(cxone.totalConnections()).isEqualTo(1);
			});
		}
	}

	@Test
	void whenTheBundleTrustsAnotherCertificateThenTheErrorNamesTheBundle() {
		try (EmbeddedCxone cxone = EmbeddedCxone.startHttps(); EmbeddedCxone other = EmbeddedCxone.startHttps()) {
			runner(cxone).withPropertyValues(trusting(other)).run((context) -> {
				assertThatExceptionOfType(CxoneTokenException.class)
					.isThrownBy(() -> whoami(context.getBean(CxoneWebClient.class)).block(TIMEOUT))
					.withCauseInstanceOf(CxoneTlsException.class)
					.withMessageContaining("cxone.http.ssl.bundle is 'corporate'");
			});
		}
	}

	@Test
	void whenTheCertificateIsIssuedForAnotherHostThenTheTypedTlsErrorSaysSo() {
		try (EmbeddedCxone cxone = EmbeddedCxone.startHttps("api.cxone.example")) {
			runner(cxone).withPropertyValues(trusting(cxone)).run((context) -> {
				assertThatExceptionOfType(CxoneTokenException.class)
					.isThrownBy(() -> whoami(context.getBean(CxoneWebClient.class)).block(TIMEOUT))
					.satisfies((ex) -> assertThat(ex.getCause()).isInstanceOfSatisfying(CxoneTlsException.class,
							(tls) -> assertThat(tls.getProblem())
								.isEqualTo(CxoneTlsException.Problem.HOST_NAME_MISMATCH)))
					.withMessageContaining("not issued for 127.0.0.1");
				assertThat(cxone.tokenRequestCount()).isZero();
			});
		}
	}

	@Test
	void whenTheApiHostIsNotTrustedThenTheApiCallFailsWithTheTypedTlsErrorItself() {
		try (EmbeddedCxone tokens = EmbeddedCxone.start(); EmbeddedCxone api = EmbeddedCxone.startHttps()) {
			api.trustTokensOf(tokens);
			runner(tokens).withPropertyValues("cxone.base-url=" + api.baseUrl()).run((context) -> {
				assertThatExceptionOfType(CxoneTlsException.class)
					.isThrownBy(() -> whoami(context.getBean(CxoneWebClient.class)).block(TIMEOUT))
					.satisfies((tls) -> {
						assertThat(tls.getAttempts()).isEqualTo(1);
						assertThat(tls.getStatus()).isZero();
						assertThat(tls.getKind()).isEqualTo(CxoneConnectionException.Kind.TLS);
					})
					.withMessageContaining("GET /platform/v1/whoami")
					.withMessageContaining("127.0.0.1:" + api.port())
					.withMessageContaining("cxone.http.ssl.bundle");
				assertThat(api.totalConnections()).isEqualTo(1);
				assertThat(api.apiRequestCount()).isZero();
			});
		}
	}

	@Test
	void whenTheTlsConnectionBreaksAfterAPostWasWrittenThenItIsNotSentAgainAndItsBodyIsProducedOnce()
			throws Exception {
		try (EmbeddedCxone tokens = EmbeddedCxone.start(); CorruptingTlsServer server = CorruptingTlsServer.start()) {
			AtomicInteger bodySubscriptions = new AtomicInteger();
			runner(tokens).withPropertyValues("cxone.base-url=https://127.0.0.1:" + server.port(),
					"spring.ssl.bundle.pem.raw.truststore.certificate=" + server.certificatePem(),
					"cxone.http.ssl.bundle=raw", "cxone.retry.max-attempts=3", "cxone.retry.initial-backoff=10ms")
				.run((context) -> {
					assertThatExceptionOfType(CxoneConnectionException.class)
						.isThrownBy(() -> context.getBean(CxoneWebClient.class)
							.post()
							.uri("/payments/v1/charge")
							.contentType(MediaType.APPLICATION_JSON)
							.body(Flux.defer(() -> {
								bodySubscriptions.incrementAndGet();
								return Flux.just("{\"amount\":100}");
							}), String.class)
							.retrieve()
							.toBodilessEntity()
							.block(TIMEOUT))
						.satisfies((ex) -> {
							assertThat(ex).isNotInstanceOf(CxoneTlsException.class);
							assertThat(ex.mayHaveBeenSent()).isTrue();
							assertThat(ex.getAttempts()).isEqualTo(1);
						})
						.withMessageContaining("broke after its handshake")
						.withMessageContaining("not retried, because POST is not idempotent");
					// The server read the whole POST before the connection broke: it is not sent again.
					assertThat(server.requests()).hasSize(1);
					assertThat(bodySubscriptions).hasValue(1);
				});
		}
	}

	@Test
	void whenTheSslBundleDoesNotExistThenStartupFailsNamingThePropertyAndTheBundles() {
		try (EmbeddedCxone cxone = EmbeddedCxone.startHttps()) {
			runner(cxone).withPropertyValues("spring.ssl.bundle.pem.corporate.truststore.certificate="
					+ cxone.certificatePem(), "cxone.http.ssl.bundle=corprate").run((context) -> {
						assertThat(context).hasFailed();
						assertThat(context.getStartupFailure()).rootCause()
							.hasMessageContaining("cxone.http.ssl.bundle (CXONE_HTTP_SSL_BUNDLE) is 'corprate'")
							.hasMessageContaining("there are: corporate");
					});
		}
	}

}
