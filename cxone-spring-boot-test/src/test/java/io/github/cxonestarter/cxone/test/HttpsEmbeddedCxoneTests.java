package io.github.cxonestarter.cxone.test;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import javax.net.ssl.SSLHandshakeException;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

/**
 * {@link EmbeddedCxone} over HTTPS, with the certificate it makes at start-up: served to
 * a client that trusts it (through {@link EmbeddedCxone#sslBundle()}), refused by one
 * that does not or that checks another host name, and no plain HTTP on its port.
 */
class HttpsEmbeddedCxoneTests {

	private static final Duration TIMEOUT = Duration.ofSeconds(10);

	@Test
	void whenAClientTrustsTheCertificateThenTokenAndApiAnswerOverTls() throws Exception {
		try (EmbeddedCxone cxone = EmbeddedCxone.startHttps()) {
			assertThat(cxone.isHttps()).isTrue();
			assertThat(cxone.baseUrl()).isEqualTo("https://127.0.0.1:" + cxone.port());
			assertThat(cxone.tokenUri()).startsWith("https://127.0.0.1:");
			HttpClient trusting = HttpClient.newBuilder()
				.sslContext(cxone.sslBundle().createSslContext())
				.connectTimeout(TIMEOUT)
				.build();
			HttpResponse<String> token = trusting.send(HttpRequest.newBuilder(URI.create(cxone.tokenUri()))
				.header("Authorization", CxoneWire.basic(EmbeddedCxone.CLIENT_ID, EmbeddedCxone.CLIENT_SECRET))
				.header("Content-Type", "application/x-www-form-urlencoded")
				.POST(HttpRequest.BodyPublishers.ofString("grant_type=client_credentials&scope=default"))
				.build(), HttpResponse.BodyHandlers.ofString());
			assertThat(token.statusCode()).isEqualTo(200);
			String accessToken = (String) JsonMapper.builder().build().readValue(token.body(), Map.class)
				.get("access_token");
			HttpResponse<String> whoami = trusting.send(
					HttpRequest.newBuilder(URI.create(cxone.baseUrl() + EmbeddedCxone.WHOAMI_PATH))
						.header("Authorization", "Bearer " + accessToken)
						.header("Accept", "application/json")
						.build(),
					HttpResponse.BodyHandlers.ofString());
			assertThat(whoami.statusCode()).isEqualTo(200);
			assertThat(whoami.body()).contains("Embedded CXone API Key");
			assertThat(cxone.tokenRequestCount()).isEqualTo(1);
		}
	}

	@Test
	void whenAClientDoesNotTrustTheCertificateThenTheHandshakeFailsBeforeAnyRequest() {
		try (EmbeddedCxone cxone = EmbeddedCxone.startHttps()) {
			HttpClient jvmDefaults = HttpClient.newBuilder().connectTimeout(TIMEOUT).build();
			assertThatExceptionOfType(SSLHandshakeException.class).isThrownBy(() -> jvmDefaults
				.send(HttpRequest.newBuilder(URI.create(cxone.baseUrl() + EmbeddedCxone.WHOAMI_PATH)).build(),
						HttpResponse.BodyHandlers.ofString()));
			assertThat(cxone.requests()).isEmpty();
		}
	}

	@Test
	void whenTheCertificateNamesAnotherHostThenAClientThatChecksHostNamesRefusesIt() {
		try (EmbeddedCxone cxone = EmbeddedCxone.startHttps("api.cxone.example")) {
			HttpClient trusting = HttpClient.newBuilder()
				.sslContext(cxone.sslBundle().createSslContext())
				.connectTimeout(TIMEOUT)
				.build();
			assertThatExceptionOfType(SSLHandshakeException.class).isThrownBy(() -> trusting
				.send(HttpRequest.newBuilder(URI.create(cxone.baseUrl() + EmbeddedCxone.WHOAMI_PATH)).build(),
						HttpResponse.BodyHandlers.ofString()));
			assertThat(cxone.requests()).isEmpty();
		}
	}

	@Test
	void whenPlainHttpIsSentToTheHttpsPortThenNothingIsServed() {
		try (EmbeddedCxone cxone = EmbeddedCxone.startHttps()) {
			HttpClient plain = HttpClient.newBuilder().connectTimeout(TIMEOUT).build();
			assertThatExceptionOfType(IOException.class).isThrownBy(() -> plain.send(
					HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + cxone.port() + EmbeddedCxone.WHOAMI_PATH))
						.timeout(TIMEOUT)
						.build(),
					HttpResponse.BodyHandlers.ofString()));
			assertThat(cxone.requests()).isEmpty();
		}
	}

	@Test
	void whenStartedThenTheCertificateIsAPemForTheLoopbackNamesAndEachServerHasItsOwn() throws Exception {
		try (EmbeddedCxone cxone = EmbeddedCxone.startHttps(); EmbeddedCxone other = EmbeddedCxone.startHttps()) {
			X509Certificate certificate = (X509Certificate) CertificateFactory.getInstance("X.509")
				.generateCertificate(new ByteArrayInputStream(cxone.certificatePem().getBytes(StandardCharsets.US_ASCII)));
			List<Object> names = certificate.getSubjectAlternativeNames().stream().map((name) -> (Object) name.get(1)).toList();
			assertThat(names).containsExactlyInAnyOrder("127.0.0.1", "localhost");
			assertThat(cxone.certificatePem()).startsWith("-----BEGIN CERTIFICATE-----")
				.isNotEqualTo(other.certificatePem());
		}
		try (EmbeddedCxone plain = EmbeddedCxone.start()) {
			assertThat(plain.isHttps()).isFalse();
			assertThatIllegalStateException().isThrownBy(plain::certificatePem).withMessageContaining("startHttps()");
			assertThat(List.of(plain.baseUrl())).allMatch((url) -> url.startsWith("http://127.0.0.1:"));
		}
	}

}
