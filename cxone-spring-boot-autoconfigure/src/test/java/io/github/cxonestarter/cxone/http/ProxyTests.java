package io.github.cxonestarter.cxone.http;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Properties;

import io.github.cxonestarter.cxone.CxoneConnectionException;
import io.github.cxonestarter.cxone.CxoneTestApplication;
import io.github.cxonestarter.cxone.CxoneTestContexts;
import io.github.cxonestarter.cxone.CxoneTokenException;
import io.github.cxonestarter.cxone.CxoneWebClient;
import io.github.cxonestarter.cxone.accesskey.CxoneDiscovery;
import io.github.cxonestarter.cxone.test.EmbeddedCxone;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.ssl.SslAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.ConfigurableApplicationContext;

import static io.github.cxonestarter.cxone.CxoneTestContexts.whoami;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Every connection the starter makes (token requests, discovery, API calls) through an
 * outbound proxy on loopback that counts the tunnels it opens, to an embedded CXone that
 * serves HTTPS: from {@code cxone.http.proxy.*} and from the JVM's proxy system
 * properties, around the non-proxy hosts, with Basic authentication whose password is
 * never logged.
 */
@ExtendWith(OutputCaptureExtension.class)
class ProxyTests {

	private static final Duration TIMEOUT = Duration.ofSeconds(20);

	private static final String PROXY_USER = "corp-user";

	private static final String PROXY_PASSWORD = "proxy+Pass/w0rd==e5c1";

	private static EmbeddedCxone cxone;

	private ForwardProxy proxy;

	@BeforeAll
	static void startCxone() {
		cxone = EmbeddedCxone.startHttps();
	}

	@AfterAll
	static void stopCxone() {
		cxone.close();
	}

	@BeforeEach
	void startProxy() {
		cxone.reset();
		this.proxy = ForwardProxy.start();
	}

	@AfterEach
	void stopProxy() {
		this.proxy.close();
	}

	private static ApplicationContextRunner runner() {
		return CxoneTestContexts.runner(cxone)
			.withConfiguration(AutoConfigurations.of(SslAutoConfiguration.class))
			.withPropertyValues("spring.ssl.bundle.pem.cxone.truststore.certificate=" + cxone.certificatePem(),
					"cxone.http.ssl.bundle=cxone");
	}

	private String target() {
		return "127.0.0.1:" + cxone.port();
	}

	@Test
	void whenAProxyIsConfiguredThenTheTokenRequestAndEveryApiCallGoThroughIt() {
		runner().withPropertyValues("cxone.http.proxy.host=127.0.0.1", "cxone.http.proxy.port=" + this.proxy.port())
			.run((context) -> {
				CxoneWebClient client = context.getBean(CxoneWebClient.class);
				for (int i = 0; i < 3; i++) {
					assertThat(whoami(client).block(TIMEOUT)).contains("Embedded CXone API Key");
				}
				assertThat(cxone.tokenRequestCount()).isEqualTo(1);
				assertThat(cxone.apiRequestCount()).isEqualTo(3);
				// Every connection CXone accepted is one the proxy opened: none went around it.
				assertThat(this.proxy.tunnels()).isNotEmpty().allMatch(target()::equals);
				assertThat(cxone.totalConnections()).isEqualTo(this.proxy.tunnels().size());
				assertThat(this.proxy.notConnect()).isZero();
			});
	}

	@Test
	void whenTheAccessKeyLoginAndDiscoveryRunThroughTheProxyThenTheyGoThroughItToo() {
		runner().withPropertyValues("cxone.auth-mode=access-key", "cxone.client-id=", "cxone.client-secret=",
				"cxone.base-url=", "cxone.token-uri=" + cxone.accessKeyLoginUri(), "cxone.issuer=" + cxone.baseUrl(),
				"cxone.access-key-id=" + EmbeddedCxone.ACCESS_KEY_ID,
				"cxone.access-key-secret=" + EmbeddedCxone.ACCESS_KEY_SECRET, "cxone.http.proxy.host=127.0.0.1",
				"cxone.http.proxy.port=" + this.proxy.port())
			.run((context) -> {
				assertThat(context).hasNotFailed().hasSingleBean(CxoneDiscovery.class);
				String serverTime = context.getBean(CxoneWebClient.class)
					.get()
					.uri(EmbeddedCxone.SERVER_TIME_PATH)
					.retrieve()
					.bodyToMono(String.class)
					.block(TIMEOUT);
				assertThat(serverTime).contains("ServerTime");
				assertThat(cxone.tokenRequestCount()).isEqualTo(1);
				assertThat(cxone.discoveryRequests()).isNotEmpty();
				assertThat(this.proxy.tunnels()).isNotEmpty().allMatch(target()::equals);
				assertThat(cxone.totalConnections()).isEqualTo(this.proxy.tunnels().size());
			});
	}

	@Test
	void whenTheHostIsANonProxyHostThenItIsReachedDirectly() {
		for (String pattern : List.of("127.0.0.1", "127.*", "*.0.0.1")) {
			cxone.reset();
			runner().withPropertyValues("cxone.http.proxy.host=127.0.0.1", "cxone.http.proxy.port=" + this.proxy.port(),
					"cxone.http.proxy.non-proxy-hosts=cxone.corp.example," + pattern)
				.run((context) -> {
					assertThat(whoami(context.getBean(CxoneWebClient.class)).block(TIMEOUT))
						.contains("Embedded CXone API Key");
					assertThat(cxone.tokenRequestCount()).as(pattern).isEqualTo(1);
				});
		}
		assertThat(this.proxy.tunnels()).isEmpty();
	}

	@Test
	void whenTheJvmNamesAProxyThenItIsUsedUnlessItsNonProxyHostsSayOtherwise() {
		Properties saved = (Properties) System.getProperties().clone();
		try {
			System.setProperty("https.proxyHost", "127.0.0.1");
			System.setProperty("https.proxyPort", Integer.toString(this.proxy.port()));
			System.setProperty("http.nonProxyHosts", "cxone.corp.example|*.internal");
			runner().run((context) -> {
				assertThat(whoami(context.getBean(CxoneWebClient.class)).block(TIMEOUT))
					.contains("Embedded CXone API Key");
				assertThat(this.proxy.tunnels()).isNotEmpty().allMatch(target()::equals);
				assertThat(cxone.totalConnections()).isEqualTo(this.proxy.tunnels().size());
			});
			int tunnels = this.proxy.tunnels().size();
			// Without http.nonProxyHosts, the JVM's default (localhost|127.*|[::1]) keeps loopback direct.
			System.clearProperty("http.nonProxyHosts");
			runner().run((context) -> assertThat(whoami(context.getBean(CxoneWebClient.class)).block(TIMEOUT))
				.contains("Embedded CXone API Key"));
			// The starter's own properties win over the JVM's.
			try (ForwardProxy own = ForwardProxy.start()) {
				runner().withPropertyValues("cxone.http.proxy.host=127.0.0.1", "cxone.http.proxy.port=" + own.port())
					.run((context) -> {
						assertThat(whoami(context.getBean(CxoneWebClient.class)).block(TIMEOUT))
							.contains("Embedded CXone API Key");
						assertThat(own.tunnels()).isNotEmpty();
					});
			}
			assertThat(this.proxy.tunnels()).hasSize(tunnels);
		}
		finally {
			System.setProperties(saved);
		}
	}

	@Test
	void whenTheProxyAsksForCredentialsThenTheyAreSentAndThePasswordIsLoggedNowhere(CapturedOutput output) {
		try (ForwardProxy guarded = ForwardProxy.start(PROXY_USER, PROXY_PASSWORD);
				ConfigurableApplicationContext app = startApplication("cxone.http.proxy.host=127.0.0.1",
						"cxone.http.proxy.port=" + guarded.port(), "cxone.http.proxy.username=" + PROXY_USER,
						"cxone.http.proxy.password=" + PROXY_PASSWORD)) {
			assertThat(whoami(app.getBean(CxoneWebClient.class)).block(TIMEOUT)).contains("Embedded CXone API Key");
			assertThat(guarded.refused()).isZero();
			assertThat(guarded.tunnels()).isNotEmpty();
			String basic = "Basic " + Base64.getEncoder()
				.encodeToString((PROXY_USER + ":" + PROXY_PASSWORD).getBytes(StandardCharsets.UTF_8));
			assertThat(guarded.authorizations()).hasSize(guarded.tunnels().size()).allMatch(basic::equals);
			CxoneHttpSettings settings = app.getBean("cxoneHttpSettings", CxoneHttpSettings.class);
			assertThat(settings.proxy().getPassword()).isEqualTo(PROXY_PASSWORD);
			assertThat(settings.toString()).contains(PROXY_USER).doesNotContain(PROXY_PASSWORD);
			// TRACE for Reactor Netty, Netty and the starter, and request details on: still not in any line.
			assertThat(output.getAll()).contains("cxone").doesNotContain(PROXY_PASSWORD).doesNotContain(basic.substring(6));
		}
	}

	@Test
	void whenTheProxyRefusesTheCredentialsThenTheTypedErrorNamesTheProxyAndTheyAreNotSentAgain() {
		try (ForwardProxy guarded = ForwardProxy.start(PROXY_USER, PROXY_PASSWORD)) {
			runner().withPropertyValues("cxone.http.proxy.host=127.0.0.1", "cxone.http.proxy.port=" + guarded.port(),
					"cxone.http.proxy.username=" + PROXY_USER, "cxone.http.proxy.password=wrong-" + PROXY_PASSWORD)
				.run((context) -> {
					assertThatExceptionOfType(CxoneTokenException.class)
						.isThrownBy(() -> whoami(context.getBean(CxoneWebClient.class)).block(TIMEOUT))
						.satisfies((ex) -> {
							assertThat(ex.getReason()).isEqualTo(CxoneTokenException.Reason.PROXY_REFUSED);
							assertThat(ex.getCause()).isInstanceOfSatisfying(CxoneConnectionException.class,
									(connection) -> {
										assertThat(connection.getKind())
											.isEqualTo(CxoneConnectionException.Kind.PROXY_REFUSED);
										assertThat(connection.getProxy()).isEqualTo("127.0.0.1:" + guarded.port());
										assertThat(connection.getHost()).isEqualTo("127.0.0.1");
										assertThat(connection.getPort()).isEqualTo(cxone.port());
									});
							assertThat(CxoneTestContexts.messages(ex)).doesNotContain(PROXY_PASSWORD);
						})
						.withMessageContaining("127.0.0.1:" + guarded.port())
						.withMessageContaining(target())
						.withMessageContaining("407")
						.withMessageContaining("cxone.http.proxy.password");
					// A proxy that refused the credentials is not asked again with them: no lockout.
					assertThat(guarded.refused()).isEqualTo(1);
					assertThat(cxone.tokenRequestCount()).isZero();
				});
		}
	}

	private static ConfigurableApplicationContext startApplication(String... properties) {
		List<String> all = new java.util.ArrayList<>(List.of("spring.main.banner-mode=off",
				"cxone.base-url=" + cxone.baseUrl(), "cxone.token-uri=" + cxone.tokenUri(),
				"cxone.client-id=" + EmbeddedCxone.CLIENT_ID, "cxone.client-secret=" + EmbeddedCxone.CLIENT_SECRET,
				"spring.ssl.bundle.pem.cxone.truststore.certificate=" + cxone.certificatePem(),
				"cxone.http.ssl.bundle=cxone", "logging.level.reactor.netty=TRACE", "logging.level.io.netty=TRACE",
				"logging.level.io.github.cxonestarter=TRACE", "logging.level.org.springframework.web=TRACE",
				"spring.http.codecs.log-request-details=true"));
		all.addAll(List.of(properties));
		return new SpringApplicationBuilder(App.class).web(WebApplicationType.NONE)
			.properties(all.toArray(String[]::new))
			.run();
	}

	@CxoneTestApplication
	static class App {

	}

}
