package io.github.cxonestarter.cxone.health;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import io.github.cxonestarter.cxone.CxoneTestContexts;
import io.github.cxonestarter.cxone.CxoneTestApplication;
import io.github.cxonestarter.cxone.CxoneWebClient;
import io.github.cxonestarter.cxone.test.EmbeddedCxone;
import io.github.cxonestarter.cxone.test.EmbeddedCxoneExtension;
import io.github.cxonestarter.cxone.test.RecordedRequest;
import io.micrometer.core.instrument.MeterRegistry;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import reactor.core.publisher.Flux;

import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.ParameterizedTypeReference;
import org.springframework.web.reactive.function.client.WebClient;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The {@code cxone} health indicator and the starter's meters, through a real Actuator
 * endpoint of an application on a random port, against an embedded CXone.
 */
@ExtendWith({ EmbeddedCxoneExtension.class, OutputCaptureExtension.class })
class CxoneHealthEndpointTests {

	private static final Duration TIMEOUT = Duration.ofSeconds(30);

	private static final String CANARY = "canary-Secret-42f9e1";

	private static final String CANARY_CLIENT = "canary-client";


	private EmbeddedCxone cxone;

	@BeforeEach
	void useCxone(EmbeddedCxone cxone) {
		// EmbeddedCxoneExtension runs one server for the class and resets it before each test.
		this.cxone = cxone;
		this.cxone.registerClient(CANARY_CLIENT, CANARY);
	}

	@Test
	void whenCredentialsAreValidThenHealthIsUpWithTheIdentityAndTheTokenExpiry() {
		try (ConfigurableApplicationContext app = start()) {
			Map<String, Object> cxoneHealth = component(health(app));
			assertThat(cxoneHealth).containsEntry("status", "UP");
			assertThat(details(cxoneHealth)).containsEntry("name", "Embedded CXone API Key")
				.containsEntry("siteId", "123456")
				.containsEntry("id", "550e8400-e29b-41d4-a716-446655440000")
				.containsEntry("scopes", List.of("default"))
				.containsKey("tokenExpiresAt");
		}
	}

	@Test
	void whenTheSecretIsWrongThenHealthIsDownWithTheFix() {
		try (ConfigurableApplicationContext app = start("cxone.client-secret=not-the-secret")) {
			Map<String, Object> cxoneHealth = component(health(app));
			assertThat(cxoneHealth).containsEntry("status", "DOWN");
			assertThat(details(cxoneHealth)).containsEntry("reason", "INVALID_CLIENT");
			assertThat((String) details(cxoneHealth).get("error")).contains("401 invalid_client", "CXONE_CLIENT_SECRET",
					"Active");
		}
	}

	@Test
	void whenCxonesCertificateIsTrustedOnlyThroughTheSslBundleThenHealthIsUpOverHttpsAndDownWithoutIt() {
		try (EmbeddedCxone https = EmbeddedCxone.startHttps()) {
			String[] atHttps = { "cxone.base-url=" + https.baseUrl(), "cxone.token-uri=" + https.tokenUri() };
			try (ConfigurableApplicationContext app = start(append(atHttps,
					"spring.ssl.bundle.pem.cxone.truststore.certificate=" + https.certificatePem(),
					"cxone.http.ssl.bundle=cxone"))) {
				Map<String, Object> cxoneHealth = component(health(app));
				assertThat(cxoneHealth).containsEntry("status", "UP");
				assertThat(details(cxoneHealth)).containsEntry("name", "Embedded CXone API Key");
			}
			try (ConfigurableApplicationContext app = start(atHttps)) {
				Map<String, Object> cxoneHealth = component(health(app));
				assertThat(cxoneHealth).containsEntry("status", "DOWN");
				assertThat(details(cxoneHealth)).containsEntry("reason", "TLS_FAILURE");
				assertThat((String) details(cxoneHealth).get("error")).contains("127.0.0.1:" + https.port(),
						"not trusted", "cxone.http.ssl.bundle");
			}
			assertThat(https.tokenRequestCount()).isEqualTo(1);
		}
	}

	private static String[] append(String[] first, String... more) {
		List<String> all = new ArrayList<>(List.of(first));
		all.addAll(List.of(more));
		return all.toArray(String[]::new);
	}

	@Test
	void whenThePermissionIsMissingThenHealthIsDownSayingSo() {
		cxone.requireScope("/platform/v1/whoami", "whoami.read");
		try (ConfigurableApplicationContext app = start()) {
			Map<String, Object> cxoneHealth = component(health(app));
			assertThat(cxoneHealth).containsEntry("status", "DOWN");
			assertThat((String) details(cxoneHealth).get("error")).contains("403", "whoami.read", "15 minutes");
		}
	}

	@Test
	void whenTheTokenEndpointIsUnreachableThenHealthIsDownNamingItWithinTheTimeout() {
		EmbeddedCxone closed = EmbeddedCxone.start();
		String tokenUri = closed.tokenUri();
		closed.close();
		try (ConfigurableApplicationContext app = start("cxone.token-uri=" + tokenUri, "cxone.health.timeout=3s")) {
			long start = System.nanoTime();
			Map<String, Object> cxoneHealth = component(health(app));
			assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(10));
			assertThat(cxoneHealth).containsEntry("status", "DOWN");
			assertThat((String) details(cxoneHealth).get("error")).contains(tokenUri, "could not be reached");
		}
	}

	@Test
	void whenTheApiIsTooSlowThenHealthIsDownWithinTheTimeout() {
		try (ConfigurableApplicationContext app = start("cxone.health.timeout=500ms")) {
			cxone.apiDelay(Duration.ofSeconds(3));
			Map<String, Object> cxoneHealth = component(health(app));
			assertThat(cxoneHealth).containsEntry("status", "DOWN");
			assertThat((String) details(cxoneHealth).get("error")).contains("cxone.health.timeout");
		}
	}

	@Test
	void whenTheHealthCallIsRateLimitedThenHealthIsUnknownWithTheRetryAfter() {
		try (ConfigurableApplicationContext app = start()) {
			cxone.enqueueApiFaults(1, 429, "7");
			Map<String, Object> cxoneHealth = component(health(app));
			assertThat(cxoneHealth).containsEntry("status", "UNKNOWN");
			assertThat(details(cxoneHealth)).containsEntry("retryAfter", "7");
			// Not retried: a probe must not hammer a rate-limited CXone.
			assertThat(cxone.apiRequests()).hasSize(1);
		}
	}

	@Test
	void whenTenProbesArriveWithinTheCacheTtlThenCxoneIsCalledOnce() {
		try (ConfigurableApplicationContext app = start()) {
			WebClient http = CxoneTestContexts.localClient(baseUrl(app));
			Flux.range(0, 10)
				.flatMap((i) -> http.get().uri("/actuator/health").retrieve().bodyToMono(String.class), 5)
				.blockLast(TIMEOUT);
			assertThat(cxone.apiRequests()).filteredOn((request) -> request.path().equals(EmbeddedCxone.WHOAMI_PATH))
				.hasSize(1);
		}
	}

	@Test
	void whenCallsAreMadeThenTokenRetryAndRateLimitMetersCountThem() {
		try (ConfigurableApplicationContext app = start()) {
			CxoneWebClient client = app.getBean(CxoneWebClient.class);
			cxone.enqueueApiFaults(1, 503, null);
			client.get().uri(EmbeddedCxone.WHOAMI_PATH).retrieve().bodyToMono(String.class).block(TIMEOUT);
			cxone.enqueueApiFaults(1, 429, "0");
			client.get().uri("/inContactAPI/services/v23.0/agents").retrieve().bodyToMono(String.class).block(TIMEOUT);
			MeterRegistry meters = app.getBean(MeterRegistry.class);
			assertThat(meters.get("cxone.token.requests").tag("outcome", "success").timer().count()).isEqualTo(1);
			assertThat(meters.get("cxone.retries").tag("target", "api").tag("cause", "503").counter().count())
				.isEqualTo(1);
			assertThat(meters.get("cxone.retries").tag("cause", "429").counter().count()).isEqualTo(1);
			assertThat(meters.get("cxone.responses.rate-limited").counter().count()).isEqualTo(1);
			assertThat(meters.get("http.client.requests").tag("uri", EmbeddedCxone.WHOAMI_PATH).timers()).isNotEmpty();
		}
	}

	@Test
	void whenEveryFailureIsDrivenWithDebugLoggingThenTheCanarySecretAndTokensAppearNowhere(CapturedOutput output) {
		List<String> bodies = new ArrayList<>();
		String[] debug = { "logging.level.io.github.cxonestarter=TRACE", "logging.level.org.springframework.security=TRACE",
				"logging.level.org.springframework.web=DEBUG", "logging.level.org.springframework.boot.health=DEBUG",
				"logging.level.reactor.netty=DEBUG", "cxone.client-id=" + CANARY_CLIENT, "cxone.client-secret=" + CANARY,
				"cxone.health.cache-ttl=1ms" };
		try (ConfigurableApplicationContext app = start(debug)) {
			WebClient http = CxoneTestContexts.localClient(baseUrl(app));
			bodies.add(body(http, "/actuator/health"));
			// Each probe is repeated until CXone has seen the call it causes: under load the
			// indicator's cache (Reactor's, cleared by a timer) can outlive its 1 ms.
			cxone.enqueueApiFaults(1, 429, "3");
			bodies.addAll(healthUntilCxoneAnswered(http, 429));
			cxone.enqueueApiFaults(2, 401, null);
			bodies.addAll(healthUntilCxoneAnswered(http, 401));
			cxone.requireScope("/platform", "missing.scope");
			bodies.addAll(healthUntilCxoneAnswered(http, 403));
			int before = cxone.apiRequestCount();
			cxone.revokeAllTokens();
			bodies.add(body(http, "/actuator/health"));
			await().atMost(TIMEOUT).until(() -> {
				bodies.add(body(http, "/actuator/health"));
				return cxone.apiRequestCount() > before;
			});
			bodies.add(body(http, "/actuator/configprops"));
			bodies.add(body(http, "/actuator/env"));
		}
		List<RecordedRequest> requests = new ArrayList<>(cxone.requests());
		cxone.reset();
		cxone.registerClient(CANARY_CLIENT, "another-secret");
		try (ConfigurableApplicationContext app = start(debug)) {
			WebClient http = CxoneTestContexts.localClient(baseUrl(app));
			bodies.add(body(http, "/actuator/health"));
		}
		requests.addAll(cxone.requests());
		List<String> tokens = requests
			.stream()
			.map((request) -> request.header("Authorization"))
			.filter((header) -> header != null && header.startsWith("Bearer "))
			.map((header) -> header.substring(7))
			.toList();
		assertThat(String.join("\n", bodies)).contains("cxone").doesNotContain(CANARY);
		// DEBUG logging was on: WebClient logged its requests.
		assertThat(output.getAll()).contains("DEBUG", "HTTP POST " + cxone.tokenUri()).doesNotContain(CANARY);
		for (String token : tokens) {
			assertThat(output.getAll()).doesNotContain(token);
			assertThat(String.join("\n", bodies)).doesNotContain(token);
		}
		assertThat(tokens).isNotEmpty();
		assertThat(requests).extracting(RecordedRequest::status).contains(200, 401, 403, 429);
	}

	@Test
	void whenTheApplicationShowsConfigurationValuesThenTheStartersSecretsAreStillMasked() {
		String accessKeyCanary = "canary+Access/Key==b7d1";
		try (ConfigurableApplicationContext app = start("cxone.client-id=" + CANARY_CLIENT, "cxone.client-secret=" + CANARY,
				"cxone.access-key-id=canary-key-id", "cxone.access-key-secret=" + accessKeyCanary,
				"CXONE_ACCESS_KEY_SECRET=" + accessKeyCanary, "cxone.tenants.east.client-id=" + CANARY_CLIENT,
				"cxone.tenants.east.clientSecret=" + CANARY,
				"management.endpoint.configprops.show-values=always", "management.endpoint.env.show-values=always")) {
			WebClient http = CxoneTestContexts.localClient(baseUrl(app));
			String configprops = body(http, "/actuator/configprops");
			String env = body(http, "/actuator/env");
			// Values are shown: the application asked for them.
			assertThat(configprops).contains(CANARY_CLIENT, "canary-key-id");
			assertThat(env).contains(CANARY_CLIENT, "canary-key-id", "CXONE_ACCESS_KEY_SECRET",
					"cxone.tenants.east.clientSecret");
			for (String body : List.of(configprops, env)) {
				assertThat(body).doesNotContain(CANARY).doesNotContain(accessKeyCanary).contains("******");
			}
		}
	}

	private List<String> healthUntilCxoneAnswered(WebClient http, int status) {
		List<String> bodies = new ArrayList<>();
		await().atMost(TIMEOUT).until(() -> {
			bodies.add(body(http, "/actuator/health"));
			return cxone.apiRequests().stream().anyMatch((request) -> request.status() == status);
		});
		return bodies;
	}

	private ConfigurableApplicationContext start(String... properties) {
		List<String> all = new ArrayList<>(List.of("server.port=0", "server.address=127.0.0.1",
				"spring.main.banner-mode=off", "cxone.base-url=" + cxone.baseUrl(), "cxone.token-uri=" + cxone.tokenUri(),
				"cxone.client-id=" + EmbeddedCxone.CLIENT_ID, "cxone.client-secret=" + EmbeddedCxone.CLIENT_SECRET,
				"cxone.retry.initial-backoff=20ms", "management.endpoints.web.exposure.include=health,configprops,env",
				"management.endpoint.health.show-details=always"));
		all.addAll(List.of(properties));
		return new SpringApplicationBuilder(HealthApp.class).web(WebApplicationType.SERVLET)
			.properties(all.toArray(String[]::new))
			.run();
	}

	private static String baseUrl(ConfigurableApplicationContext app) {
		return "http://127.0.0.1:" + app.getEnvironment().getProperty("local.server.port");
	}

	private static String body(WebClient http, String path) {
		return http.get().uri(path).exchangeToMono((response) -> response.bodyToMono(String.class)).block(TIMEOUT);
	}

	private static Map<String, Object> health(ConfigurableApplicationContext app) {
		return CxoneTestContexts.localClient(baseUrl(app))
			.get()
			.uri("/actuator/health")
			.exchangeToMono((response) -> response.bodyToMono(new ParameterizedTypeReference<Map<String, Object>>() {
			}))
			.block(TIMEOUT);
	}

	@SuppressWarnings("unchecked")
	private static Map<String, Object> component(Map<String, Object> health) {
		return (Map<String, Object>) ((Map<String, Object>) health.get("components")).get("cxone");
	}

	@SuppressWarnings("unchecked")
	private static Map<String, Object> details(Map<String, Object> component) {
		return (Map<String, Object>) component.get("details");
	}

	@CxoneTestApplication
	static class HealthApp {

	}

}
