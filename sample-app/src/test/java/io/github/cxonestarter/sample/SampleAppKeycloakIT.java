package io.github.cxonestarter.sample;

import java.time.Duration;

import io.github.cxonestarter.cxone.test.EmbeddedCxone;
import io.github.cxonestarter.cxone.test.RecordedRequest;
import org.junit.jupiter.api.Test;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.containers.wait.strategy.Wait;
import org.testcontainers.junit.jupiter.Container;
import org.testcontainers.junit.jupiter.Testcontainers;
import org.testcontainers.utility.DockerImageName;
import org.testcontainers.utility.MountableFile;

import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.web.reactive.function.client.WebClient;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * End to end: the sample application gets its token from a real Keycloak (client_credentials)
 * in a container, and calls the embedded CXone with it. Skipped where no Docker engine runs.
 */
@Testcontainers(disabledWithoutDocker = true)
class SampleAppKeycloakIT {

	private static final Duration TIMEOUT = Duration.ofSeconds(30);

	@Container
	static final GenericContainer<?> keycloak = new GenericContainer<>(
			DockerImageName.parse("quay.io/keycloak/keycloak:26.0.7"))
		.withEnv("KC_BOOTSTRAP_ADMIN_USERNAME", "admin")
		.withEnv("KC_BOOTSTRAP_ADMIN_PASSWORD", "admin")
		.withCopyFileToContainer(MountableFile.forClasspathResource("keycloak/cxone-realm.json"),
				"/opt/keycloak/data/import/cxone-realm.json")
		.withCommand("start-dev", "--import-realm")
		.withExposedPorts(8080)
		.waitingFor(Wait.forHttp("/realms/cxone/.well-known/openid-configuration")
			.forPort(8080)
			.withStartupTimeout(Duration.ofMinutes(3)));

	@Test
	void whenTokensComeFromKeycloakThenTheSampleAnswersThroughTheEmbeddedCxone() {
		String tokenUri = "http://" + keycloak.getHost() + ":" + keycloak.getMappedPort(8080)
				+ "/realms/cxone/protocol/openid-connect/token";
		try (EmbeddedCxone api = EmbeddedCxone.start().acceptForeignTokens(true);
				ConfigurableApplicationContext app = new SpringApplicationBuilder(SampleApplication.class)
					.properties("server.port=0", "sample.embedded-cxone.enabled=false", "cxone.base-url=" + api.baseUrl(),
							"cxone.token-uri=" + tokenUri, "cxone.client-id=cxone-it",
							"cxone.client-secret=cxone-it-secret")
					.run()) {
			WebClient sample = SampleClient.forPort(Integer.parseInt(app.getEnvironment().getProperty("local.server.port")));
			String identity = sample.get().uri("/whoami").retrieve().bodyToMono(String.class).block(TIMEOUT);
			assertThat(identity).contains("Embedded CXone API Key");
			String token = sample.get().uri("/token").retrieve().bodyToMono(String.class).block(TIMEOUT);
			assertThat(token).contains("\"scopes\":[\"default\"]");
			// Keycloak's access tokens are JWTs: three dot-separated parts.
			assertThat(api.apiRequests()).extracting(RecordedRequest::path).contains(EmbeddedCxone.WHOAMI_PATH);
			assertThat(api.apiRequests().get(0).header("Authorization")).startsWith("Bearer ")
				.satisfies((header) -> assertThat(header.substring(7).split("\\.")).hasSize(3));
		}
	}

}
