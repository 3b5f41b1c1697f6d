package io.github.cxonestarter.sample;

import java.time.Duration;
import java.util.Map;

import io.github.cxonestarter.cxone.test.AutoConfigureEmbeddedCxone;
import io.github.cxonestarter.cxone.test.EmbeddedCxone;
import io.github.cxonestarter.cxone.test.EmbeddedCxoneTestConfiguration;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.core.ParameterizedTypeReference;
import org.springframework.core.env.Environment;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The sample app against an embedded CXone that serves HTTPS, as real CXone does, with
 * a certificate the JVM does not trust: {@code @AutoConfigureEmbeddedCxone(https = true)}
 * trusts it through {@code cxone.http.ssl.bundle} alone, and the token request, the API
 * calls and the health check all run over TLS.
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT, properties = "sample.embedded-cxone.enabled=false")
@AutoConfigureEmbeddedCxone(https = true)
class HttpsCxoneTests {

	private static final Duration TIMEOUT = Duration.ofSeconds(30);

	@Autowired
	private EmbeddedCxone cxone;

	@Autowired
	private Environment environment;

	@Value("${local.server.port}")
	private int port;

	@Test
	void whenCxoneServesHttpsThenTokenApiAndHealthWorkThroughTheSslBundle() {
		assertThat(this.cxone.isHttps()).isTrue();
		assertThat(this.environment.getProperty("cxone.base-url")).startsWith("https://127.0.0.1:");
		assertThat(this.environment.getProperty("cxone.http.ssl.bundle"))
			.isEqualTo(EmbeddedCxoneTestConfiguration.SSL_BUNDLE);
		String whoami = SampleClient.forPort(this.port)
			.get()
			.uri("/whoami")
			.retrieve()
			.bodyToMono(String.class)
			.block(TIMEOUT);
		assertThat(whoami).contains("Embedded CXone API Key");
		Map<String, Object> health = SampleClient.forPort(this.port)
			.get()
			.uri("/actuator/health/cxone")
			.retrieve()
			.bodyToMono(new ParameterizedTypeReference<Map<String, Object>>() {
			})
			.block(TIMEOUT);
		assertThat(health).containsEntry("status", "UP");
		assertThat(health.get("details").toString()).contains("Embedded CXone API Key", "tokenExpiresAt");
		// One token, over TLS, for the start-up check, /whoami and the health check alike.
		assertThat(this.cxone.tokenRequestCount()).isEqualTo(1);
		assertThat(this.cxone.apiRequests()).isNotEmpty();
	}

}
