package io.github.cxonestarter.sample;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.core.ParameterizedTypeReference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The sample application as a new user runs it: no credentials, so it starts the embedded
 * CXone and answers every endpoint.
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT)
@ExtendWith(OutputCaptureExtension.class)
class SampleApplicationTests {

	private static final Duration TIMEOUT = Duration.ofSeconds(30);

	@Value("${local.server.port}")
	private int port;

	@Autowired
	private AuthenticationCheck authenticationCheck;

	@Test
	void whenStartedWithoutCredentialsThenItUsesTheEmbeddedCxoneAndLogsTheIdentity(CapturedOutput output) {
		// The check runs when the application is ready; run it again inside this test's output capture.
		this.authenticationCheck.checkAuthentication();
		await().atMost(Duration.ofSeconds(10))
			.untilAsserted(() -> assertThat(output.getAll())
				.contains("Authentication successful: id=550e8400-e29b-41d4-a716-446655440000, name=Embedded CXone API Key, "
						+ "scopes=[default]"));
	}

	@Test
	void whoamiAnswersWithTheCxoneIdentity() {
		Map<String, Object> identity = get("/whoami");
		assertThat(identity).containsEntry("name", "Embedded CXone API Key")
			.containsEntry("siteId", "123456")
			.containsEntry("scopes", List.of("default"));
	}

	@Test
	void agentsAnswerThroughTheDeclarativeInterfaceInTheCxoneGroup() {
		Map<String, Object> agents = get("/agents");
		assertThat(agents).containsKey("agents");
	}

	@Test
	void recentConversationsAnswerWithVoiceCountsGroupedByInteractionType() {
		Map<String, Object> summary = get("/conversations/recent");
		assertThat(summary).containsEntry("filter", Map.of("mediaType", List.of("voice")));
		assertThat(summary.get("groups")).asInstanceOf(org.assertj.core.api.InstanceOfAssertFactories.LIST)
			.contains(Map.of("interactionType", "INBOUND", "count", 42));
	}

	@Test
	void tokenAnswersWithExpiryAndScopesButNeverTheToken() {
		String body = SampleClient.forPort(this.port)
			.get()
			.uri("/token")
			.retrieve()
			.bodyToMono(String.class)
			.block(TIMEOUT);
		assertThat(body).contains("\"expiresAt\"", "\"scopes\":[\"default\"]").doesNotContain("cxone-");
	}

	@Test
	void healthShowsTheCxoneComponentUpWithItsDetails() {
		Map<String, Object> health = get("/actuator/health");
		assertThat(health).containsEntry("status", "UP");
		assertThat(health.get("components")).asString().contains("cxone", "Embedded CXone API Key", "tokenExpiresAt");
	}

	private Map<String, Object> get(String path) {
		return SampleClient.forPort(this.port)
			.get()
			.uri(path)
			.retrieve()
			.bodyToMono(new ParameterizedTypeReference<Map<String, Object>>() {
			})
			.block(TIMEOUT);
	}

}
