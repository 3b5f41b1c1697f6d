package io.github.cxonestarter.cxone.http;

import java.time.Duration;

import io.github.cxonestarter.cxone.CxoneAccessTokenProvider;
import io.github.cxonestarter.cxone.CxoneConnectionException;
import io.github.cxonestarter.cxone.CxoneTestContexts;
import io.github.cxonestarter.cxone.CxoneWebClient;
import io.github.cxonestarter.cxone.test.EmbeddedCxone;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.ssl.SslAutoConfiguration;
import org.springframework.boot.webclient.WebClientCustomizer;

import static io.github.cxonestarter.cxone.CxoneTestContexts.whoami;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * A filter of the application's that retries every failed call (before the starter's,
 * on all its WebClients) does not get the proxy's refused credentials sent again: each of
 * its retries is held back as any new call is.
 */
class OuterRetryProxyTests {

	private static final String HOST = "cxone.test";

	private static final String PROXY_USER = "corp-user";

	private static final String PROXY_PASSWORD = "proxy+Pass/w0rd==e5c1";

	private static final Duration TIMEOUT = Duration.ofSeconds(30);

	private static EmbeddedCxone cxone;

	@BeforeAll
	static void startCxone() {
		cxone = EmbeddedCxone.startHttps(HOST, "127.0.0.1");
	}

	@AfterAll
	static void stopCxone() {
		cxone.close();
	}

	@Test
	void whenTheApplicationRetriesAProxyRefusalThenTheRefusedCredentialsAreSentOnce() {
		try (ForwardProxy guarded = ForwardProxy.start(PROXY_USER, PROXY_PASSWORD)) {
			CxoneTestContexts.runner()
				.withConfiguration(AutoConfigurations.of(SslAutoConfiguration.class))
				.withPropertyValues("cxone.base-url=https://" + HOST + ":" + cxone.port(),
						"cxone.token-uri=https://127.0.0.1:" + cxone.port() + EmbeddedCxone.TOKEN_PATH,
						"cxone.client-id=" + EmbeddedCxone.CLIENT_ID, "cxone.client-secret=" + EmbeddedCxone.CLIENT_SECRET,
						"spring.ssl.bundle.pem.cxone.truststore.certificate=" + cxone.certificatePem(),
						"cxone.http.ssl.bundle=cxone", "cxone.http.proxy.host=127.0.0.1",
						"cxone.http.proxy.port=" + guarded.port(), "cxone.http.proxy.username=" + PROXY_USER,
						"cxone.http.proxy.password=wrong-" + PROXY_PASSWORD, "cxone.http.proxy.refusal-backoff=30s",
						"cxone.retry.enabled=false")
				.withBean(WebClientCustomizer.class,
						() -> (builder) -> builder.filter((request, next) -> next.exchange(request).retry(3)))
				.run((context) -> {
					// A token is held already (the token endpoint is not behind the proxy's host rule).
					context.getBean(CxoneAccessTokenProvider.class).getAccessToken().block(TIMEOUT);
					assertThatExceptionOfType(CxoneConnectionException.class)
						.isThrownBy(() -> whoami(context.getBean(CxoneWebClient.class)).block(TIMEOUT))
						.withMessageContaining("Not sent through the proxy");
					assertThat(guarded.refused()).isEqualTo(1);
				});
		}
	}

}
