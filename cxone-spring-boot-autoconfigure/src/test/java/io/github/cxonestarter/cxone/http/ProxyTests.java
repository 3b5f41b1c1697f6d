package io.github.cxonestarter.cxone.http;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Properties;

import io.github.cxonestarter.cxone.CxoneConnectionException;
import io.github.cxonestarter.cxone.CxoneConnectionException.Kind;
import io.github.cxonestarter.cxone.CxoneRestClient;
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
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.extension.ExtendWith;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

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
 * Every connection the starter makes (token requests, the access-key login, discovery,
 * API calls) through an outbound proxy on loopback that counts the tunnels it opens, to
 * an embedded CXone that serves HTTPS under the name {@code cxone.test}: from
 * {@code cxone.http.proxy.*} and from the JVM's proxy system properties, around the
 * non-proxy hosts and loopback, with Basic authentication whose password is never logged
 * and never sent again right after the proxy refused it.
 * <p>
 * Runs in a JVM of its own (Surefire's {@code named-hosts} execution) whose names come
 * from a hosts file of the tests, {@code src/test/resources/named-hosts}: no name is
 * looked up in DNS.
 */
@ExtendWith(OutputCaptureExtension.class)
@EnabledIfSystemProperty(named = "jdk.net.hosts.file", matches = ".*named-hosts$")
class ProxyTests {

	private static final Duration TIMEOUT = Duration.ofSeconds(20);

	private static final String HOST = "cxone.test";

	private static final String PROXY_USER = "corp-user";

	private static final String PROXY_PASSWORD = "proxy+Pass/w0rd==e5c1";

	private static EmbeddedCxone cxone;

	private ForwardProxy proxy;

	@BeforeAll
	static void startCxone() {
		cxone = EmbeddedCxone.startHttps(HOST, "127.0.0.1");
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

	private static String url(String path) {
		return "https://" + HOST + ":" + cxone.port() + path;
	}

	private static ApplicationContextRunner runner() {
		return CxoneTestContexts.runner()
			.withConfiguration(AutoConfigurations.of(SslAutoConfiguration.class))
			.withPropertyValues("cxone.base-url=" + url(""), "cxone.token-uri=" + url(EmbeddedCxone.TOKEN_PATH),
					"cxone.client-id=" + EmbeddedCxone.CLIENT_ID, "cxone.client-secret=" + EmbeddedCxone.CLIENT_SECRET,
					"cxone.token.initial-backoff=50ms", "cxone.retry.initial-backoff=20ms",
					"spring.ssl.bundle.pem.cxone.truststore.certificate=" + cxone.certificatePem(),
					"cxone.http.ssl.bundle=cxone");
	}

	private String[] throughTheProxy() {
		return new String[] { "cxone.http.proxy.host=127.0.0.1", "cxone.http.proxy.port=" + this.proxy.port() };
	}

	private static String target() {
		return HOST + ":" + cxone.port();
	}

	@Test
	void whenAProxyIsConfiguredThenTheTokenRequestAndEveryApiCallGoThroughIt() {
		runner().withPropertyValues(throughTheProxy()).run((context) -> {
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
		cxone.apiEndpoint(url(""));
		runner().withPropertyValues(throughTheProxy())
			.withPropertyValues("cxone.auth-mode=access-key", "cxone.client-id=", "cxone.client-secret=",
					"cxone.base-url=", "cxone.token-uri=" + url(EmbeddedCxone.ACCESS_KEY_LOGIN_PATH),
					"cxone.issuer=" + url(""), "cxone.access-key-id=" + EmbeddedCxone.ACCESS_KEY_ID,
					"cxone.access-key-secret=" + EmbeddedCxone.ACCESS_KEY_SECRET)
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
		for (String hosts : List.of(HOST, "*.test", "cxone.*", "CXONE.TEST", "intranet.corp|*.test")) {
			cxone.reset();
			runner().withPropertyValues(throughTheProxy())
				.withPropertyValues("cxone.http.proxy.non-proxy-hosts=crm.corp.example," + hosts)
				.run((context) -> {
					assertThat(whoami(context.getBean(CxoneWebClient.class)).block(TIMEOUT))
						.contains("Embedded CXone API Key");
					assertThat(cxone.tokenRequestCount()).as(hosts).isEqualTo(1);
				});
		}
		assertThat(this.proxy.tunnels()).isEmpty();
	}

	@Test
	void whenTheHostIsLoopbackThenItIsNeverProxiedSoNoCredentialReachesTheProxyInTheClear() {
		try (EmbeddedCxone plain = EmbeddedCxone.start()) {
			// Plain http, which the starter allows only to loopback: through a proxy it would carry
			// the client secret and the token in the clear.
			CxoneTestContexts.runner(plain).withPropertyValues(throughTheProxy()).run((context) -> {
				assertThat(whoami(context.getBean(CxoneWebClient.class)).block(TIMEOUT))
					.contains("Embedded CXone API Key");
				assertThat(plain.tokenRequestCount()).isEqualTo(1);
			});
			int closed = LoopbackSocketServer.closedPort();
			CxoneTestContexts.runner(plain)
				.withPropertyValues(throughTheProxy())
				.withPropertyValues("cxone.base-url=http://[::1]:" + closed, "cxone.retry.enabled=false")
				.run((context) -> assertThatExceptionOfType(CxoneConnectionException.class)
					.isThrownBy(() -> whoami(context.getBean(CxoneWebClient.class)).block(TIMEOUT))
					.satisfies((ex) -> assertThat(ex.isThroughProxy()).isFalse())
					.withMessageContaining("directly (it is loopback"));
		}
		assertThat(this.proxy.tunnels()).isEmpty();
		assertThat(this.proxy.notConnect()).isZero();
	}

	@Test
	void whenTheJvmNamesAProxyThenItIsUsedAroundItsAndTheStartersNonProxyHosts() {
		Properties saved = (Properties) System.getProperties().clone();
		try {
			System.setProperty("https.proxyHost", "127.0.0.1");
			System.setProperty("https.proxyPort", Integer.toString(this.proxy.port()));
			System.setProperty("http.nonProxyHosts", "crm.corp.example|*.internal");
			runner().run((context) -> {
				assertThat(whoami(context.getBean(CxoneWebClient.class)).block(TIMEOUT))
					.contains("Embedded CXone API Key");
				assertThat(this.proxy.tunnels()).isNotEmpty().allMatch(target()::equals);
				assertThat(cxone.totalConnections()).isEqualTo(this.proxy.tunnels().size());
			});
			int tunnels = this.proxy.tunnels().size();
			// cxone.http.proxy.non-proxy-hosts adds to the JVM's.
			runner().withPropertyValues("cxone.http.proxy.non-proxy-hosts=*.test")
				.run((context) -> assertThat(whoami(context.getBean(CxoneWebClient.class)).block(TIMEOUT))
					.contains("Embedded CXone API Key"));
			assertThat(this.proxy.tunnels()).hasSize(tunnels);
			// The starter's own proxy wins over the JVM's.
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
			// TRACE for Reactor Netty, Netty, Spring's web client and the starter, request details on:
			// the connection to the proxy is logged, its password in no form.
			assertThat(output.getAll()).contains("127.0.0.1:" + guarded.port())
				.doesNotContain(PROXY_PASSWORD)
				.doesNotContain(basic.substring(6));
		}
	}

	@Test
	void whenTheProxyRefusesTheCredentialsThenTheTypedErrorNamesItAndTheyAreNotSentAgainForAWhile() {
		try (ForwardProxy guarded = ForwardProxy.start(PROXY_USER, PROXY_PASSWORD)) {
			runner().withPropertyValues("cxone.http.proxy.host=127.0.0.1", "cxone.http.proxy.port=" + guarded.port(),
					"cxone.http.proxy.username=" + PROXY_USER, "cxone.http.proxy.password=wrong-" + PROXY_PASSWORD,
					"cxone.http.proxy.refusal-backoff=30s")
				.run((context) -> {
					CxoneWebClient client = context.getBean(CxoneWebClient.class);
					assertThatExceptionOfType(CxoneTokenException.class).isThrownBy(() -> whoami(client).block(TIMEOUT))
						.satisfies((ex) -> {
							assertThat(ex.getReason()).isEqualTo(CxoneTokenException.Reason.PROXY_REFUSED);
							assertThat(ex.getCause()).isInstanceOfSatisfying(CxoneConnectionException.class,
									(connection) -> {
										assertThat(connection.getKind()).isEqualTo(Kind.PROXY_REFUSED);
										assertThat(connection.getProxy()).isEqualTo("127.0.0.1:" + guarded.port());
										assertThat(connection.getHost()).isEqualTo(HOST);
										assertThat(connection.getPort()).isEqualTo(cxone.port());
									});
							assertThat(CxoneTestContexts.messages(ex)).doesNotContain(PROXY_PASSWORD);
						})
						.withMessageContaining("127.0.0.1:" + guarded.port())
						.withMessageContaining(target())
						.withMessageContaining("407")
						.withMessageContaining("cxone.http.proxy.password");
					// More calls while the refusal is fresh: the wrong password goes nowhere.
					for (int i = 0; i < 5; i++) {
						assertThatExceptionOfType(CxoneTokenException.class)
							.isThrownBy(() -> whoami(client).block(TIMEOUT))
							.withMessageContaining("Not sent through the proxy")
							.withMessageContaining("cxone.http.proxy.refusal-backoff");
					}
					assertThat(guarded.refused()).isEqualTo(1);
					assertThat(guarded.authorizations()).hasSize(1);
					assertThat(cxone.tokenRequestCount()).isZero();
				});
		}
	}

	/**
	 * Return a runner whose API calls go through the given proxy with a wrong password and a
	 * 1 s wait after a refusal, unretried; the token comes from loopback, never proxied.
	 */
	private ApplicationContextRunner withRefusedCredentials(ForwardProxy guarded) {
		return runner().withPropertyValues("cxone.token-uri=https://127.0.0.1:" + cxone.port() + EmbeddedCxone.TOKEN_PATH,
				"cxone.http.proxy.host=127.0.0.1", "cxone.http.proxy.port=" + guarded.port(),
				"cxone.http.proxy.username=" + PROXY_USER, "cxone.http.proxy.password=wrong-" + PROXY_PASSWORD,
				"cxone.http.proxy.refusal-backoff=1s", "cxone.retry.enabled=false");
	}

	@Test
	void whenTheWaitAfterARefusalIsOverThenOneOfManyConcurrentCallsTriesTheCredentialsAgain() throws Exception {
		try (ForwardProxy guarded = ForwardProxy.start(PROXY_USER, PROXY_PASSWORD)) {
			withRefusedCredentials(guarded)
				.run((context) -> {
					CxoneWebClient client = context.getBean(CxoneWebClient.class);
					assertThatExceptionOfType(CxoneConnectionException.class)
						.isThrownBy(() -> whoami(client).block(TIMEOUT));
					assertThat(guarded.refused()).isEqualTo(1);
					Thread.sleep(1200);
					// The probe is refused as well: the others wait twice as long, and are not sent.
					List<Mono<String>> calls = new ArrayList<>();
					for (int i = 0; i < 8; i++) {
						calls.add(whoami(client).onErrorResume((ex) -> Mono.just("failed")));
					}
					assertThat(Flux.merge(calls).collectList().block(TIMEOUT)).hasSize(8)
						.containsOnly("failed");
					assertThat(guarded.refused()).isEqualTo(2);
					assertThat(cxone.apiRequestCount()).isZero();
				});
		}
	}

	@Test
	void whenTheWaitAfterARefusalIsOverThenCxoneRestClientTriesTheCredentialsOnceAndTheWaitDoubles() throws Exception {
		try (ForwardProxy guarded = ForwardProxy.start(PROXY_USER, PROXY_PASSWORD)) {
			withRefusedCredentials(guarded)
				.run((context) -> {
					CxoneRestClient client = context.getBean(CxoneRestClient.class);
					assertThatExceptionOfType(CxoneConnectionException.class).isThrownBy(() -> whoami(client));
					assertThat(guarded.refused()).isEqualTo(1);
					Thread.sleep(1200);
					// One probe, refused as well: the calls after it wait twice as long, and are not sent.
					for (int i = 0; i < 8; i++) {
						assertThatExceptionOfType(CxoneConnectionException.class).isThrownBy(() -> whoami(client));
					}
					assertThat(guarded.refused()).isEqualTo(2);
					assertThat(cxone.apiRequestCount()).isZero();
				});
		}
	}

	@Test
	void whenTheProxyCannotReachTheHostOrIsNotRunningThenTheErrorNamesIt() {
		int closed = LoopbackSocketServer.closedPort();
		// The proxy answers 502: transient, so a GET is retried.
		runner().withPropertyValues(throughTheProxy())
			.withPropertyValues("cxone.base-url=https://" + HOST + ":" + closed,
					"cxone.http.proxy.non-proxy-hosts=none.example", "cxone.retry.max-attempts=2")
			.run((context) -> assertThatExceptionOfType(CxoneConnectionException.class)
				.isThrownBy(() -> whoami(context.getBean(CxoneWebClient.class)).block(TIMEOUT))
				.satisfies((ex) -> {
					assertThat(ex.getKind()).isEqualTo(Kind.PROXY_REFUSED);
					assertThat(ex.isTransient()).isTrue();
					assertThat(ex.getAttempts()).isEqualTo(2);
				})
				.withMessageContaining("refused to open a tunnel to " + HOST + ":" + closed + ": it answered 502"));
		// Nothing listens where the proxy should be.
		int tokenRequests = cxone.tokenRequestCount();
		runner().withPropertyValues("cxone.http.proxy.host=127.0.0.1", "cxone.http.proxy.port=" + closed,
				"cxone.token.max-attempts=2")
			.run((context) -> assertThatExceptionOfType(CxoneTokenException.class)
				.isThrownBy(() -> whoami(context.getBean(CxoneWebClient.class)).block(TIMEOUT))
				.satisfies((ex) -> {
					assertThat(ex.getReason()).isEqualTo(CxoneTokenException.Reason.UNREACHABLE);
					assertThat(ex.getCause()).isInstanceOfSatisfying(CxoneConnectionException.class,
							(connection) -> assertThat(connection.getProxy()).isEqualTo("127.0.0.1:" + closed));
				})
				.withMessageContaining("The proxy 127.0.0.1:" + closed + " (cxone.http.proxy.*) could not be connected "
						+ "to on the way to " + target()));
		assertThat(cxone.tokenRequestCount()).isEqualTo(tokenRequests);
	}

	@Test
	void whenANameDoesNotResolveThenTheTypedErrorSaysWhichAndWhetherItWasTheProxys() {
		// Neither name is in the hosts file: each fails to resolve at once, with no DNS query.
		runner().withPropertyValues("cxone.http.proxy.host=proxy.corp.example", "cxone.http.proxy.port=3128",
				"cxone.token.max-attempts=1")
			.run((context) -> assertThatExceptionOfType(CxoneTokenException.class)
				.isThrownBy(() -> whoami(context.getBean(CxoneWebClient.class)).block(TIMEOUT))
				.satisfies((ex) -> assertThat(ex.getCause()).isInstanceOfSatisfying(CxoneConnectionException.class,
						(connection) -> assertThat(connection.getKind()).isEqualTo(Kind.UNKNOWN_HOST)))
				.withMessageContaining("The host name of the proxy proxy.corp.example:3128 (cxone.http.proxy.*) could "
						+ "not be resolved"));
		runner().withPropertyValues(throughTheProxy())
			.withPropertyValues("cxone.base-url=https://nowhere.test:" + cxone.port(),
					"cxone.http.proxy.non-proxy-hosts=*.test", "cxone.retry.max-attempts=2")
			.run((context) -> assertThatExceptionOfType(CxoneConnectionException.class)
				.isThrownBy(() -> whoami(context.getBean(CxoneWebClient.class)).block(TIMEOUT))
				.satisfies((ex) -> {
					assertThat(ex.getKind()).isEqualTo(Kind.UNKNOWN_HOST);
					assertThat(ex.isThroughProxy()).isFalse();
					assertThat(ex.getAttempts()).isEqualTo(2);
				})
				.withMessageContaining("The host name nowhere.test could not be resolved")
				.withMessageContaining("cxone.base-url (CXONE_BASE_URL)"));
		assertThat(this.proxy.tunnels()).isEmpty();
	}

	private static ConfigurableApplicationContext startApplication(String... properties) {
		List<String> all = new ArrayList<>(List.of("spring.main.banner-mode=off", "cxone.base-url=" + url(""),
				"cxone.token-uri=" + url(EmbeddedCxone.TOKEN_PATH), "cxone.client-id=" + EmbeddedCxone.CLIENT_ID,
				"cxone.client-secret=" + EmbeddedCxone.CLIENT_SECRET,
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
