package io.github.cxonestarter.sample.servlet;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import io.github.cxonestarter.cxone.test.AutoConfigureEmbeddedCxone;
import io.github.cxonestarter.cxone.test.EmbeddedCxone;
import io.github.cxonestarter.cxone.test.RecordedRequest;
import io.micrometer.core.instrument.MeterRegistry;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.core.ParameterizedTypeReference;
import org.springframework.web.client.RestClient;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The servlet sample against an embedded CXone: the declarative interface,
 * {@code CxoneRestClient} and {@code CxoneWebClient} with the starter's retries and 401
 * replay, and the health indicator, all on a Tomcat server.
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT)
@AutoConfigureEmbeddedCxone
class ServletApplicationTests {

	static final ParameterizedTypeReference<Map<String, Object>> JSON = new ParameterizedTypeReference<>() {
	};

	@Value("${local.server.port}")
	private int port;

	@Autowired
	private EmbeddedCxone cxone;

	@Autowired
	private MeterRegistry meters;

	private RestClient app;

	@BeforeEach
	void reset() {
		this.cxone.reset();
		this.app = RestClient.create("http://127.0.0.1:" + this.port);
	}

	private Map<String, Object> get(String path) {
		return this.app.get().uri(path).retrieve().body(JSON);
	}

	@Test
	void whenAnyOfTheThreeClientsIsAskedThenItAnswersWithTheCxoneIdentity() {
		for (String path : List.of("/whoami", "/whoami/rest-client", "/whoami/web-client")) {
			assertThat(get(path)).as(path).containsEntry("name", "Embedded CXone API Key");
		}
		assertThat(get("/agents")).containsKey("agents");
		assertThat(this.cxone.apiRequests()).allSatisfy((request) -> {
			assertThat(request.header("Authorization")).startsWith("Bearer ");
			assertThat(request.header("Accept")).isEqualTo("application/json");
		});
	}

	@Test
	void whenTheInterfaceGets429ThenTheRetryComesNoEarlierThanRetryAfter() {
		this.cxone.enqueueApiFaults(EmbeddedCxone.WHOAMI_PATH, 1, 429, "1");
		assertThat(get("/whoami")).containsEntry("name", "Embedded CXone API Key");
		List<RecordedRequest> calls = this.cxone.apiRequests();
		assertThat(calls).extracting(RecordedRequest::status).containsExactly(429, 200);
		assertThat(Duration.between(calls.get(0).receivedAt(), calls.get(1).receivedAt()))
			.isGreaterThanOrEqualTo(Duration.ofSeconds(1));
	}

	@Test
	void whenTheTokenIsRevokedThenTheRequestIsReplayedWithANewToken() {
		get("/whoami/rest-client");
		int tokens = this.cxone.tokenRequestCount();
		this.cxone.revokeAllTokens();
		assertThat(get("/whoami/rest-client")).containsEntry("name", "Embedded CXone API Key");
		List<RecordedRequest> calls = this.cxone.apiRequests();
		assertThat(calls).extracting(RecordedRequest::status).containsExactly(200, 401, 200);
		assertThat(calls.get(2).header("Authorization")).isNotEqualTo(calls.get(1).header("Authorization"));
		assertThat(this.cxone.tokenRequestCount()).isEqualTo(tokens + 1);
		// The interface and the WebClient get the replacement too.
		get("/whoami");
		get("/whoami/web-client");
		assertThat(this.cxone.tokenRequestCount()).isEqualTo(tokens + 1);
	}

	@Test
	void whenAPostThroughTheInterfaceIsRetriedThenItsBodyIsSentIntact() {
		this.cxone.enqueueApiFaults(EmbeddedCxone.CONVERSATIONS_SUMMARY_PATH, 1, 429, "0");
		Map<String, Object> summary = get("/conversations/recent");
		assertThat(summary).containsEntry("filter", Map.of("mediaType", List.of("voice")));
		List<RecordedRequest> attempts = this.cxone.apiRequests();
		assertThat(attempts).extracting(RecordedRequest::status).containsExactly(429, 200);
		assertThat(attempts.get(0).body()).contains("\"groupBy\":[\"interactionType\"]");
		assertThat(attempts.get(1).body()).isEqualTo(attempts.get(0).body());
		assertThat(attempts).extracting((request) -> request.header("Content-Type")).containsOnly("application/json");
	}

	@Test
	void whenCxoneIsCalledThenBootsClientObservationsAndTheStartersMetersRecordIt() {
		long observedBefore = observedWhoamiCalls();
		double rateLimitedBefore = this.meters.get("cxone.responses.rate-limited").counter().count();
		this.cxone.enqueueApiFaults(EmbeddedCxone.WHOAMI_PATH, 1, 429, "0");
		get("/whoami/rest-client");
		// One observation per call (its retry inside it), one 429 counted.
		assertThat(observedWhoamiCalls() - observedBefore).isEqualTo(1);
		assertThat(this.meters.get("cxone.responses.rate-limited").counter().count() - rateLimitedBefore).isEqualTo(1);
		get("/whoami");
		assertThat(observedWhoamiCalls() - observedBefore).isEqualTo(2);
	}

	private long observedWhoamiCalls() {
		return this.meters.find("http.client.requests").tag("uri", EmbeddedCxone.WHOAMI_PATH).timers().stream()
			.mapToLong(io.micrometer.core.instrument.Timer::count)
			.sum();
	}

	@Test
	void whenHealthIsAskedThenTheCxoneComponentIsUp() {
		Map<String, Object> health = get("/actuator/health");
		assertThat(health).containsEntry("status", "UP");
		assertThat(health.get("components")).asInstanceOf(org.assertj.core.api.InstanceOfAssertFactories.MAP)
			.extractingByKey("cxone")
			.asInstanceOf(org.assertj.core.api.InstanceOfAssertFactories.MAP)
			.containsEntry("status", "UP");
	}

}
