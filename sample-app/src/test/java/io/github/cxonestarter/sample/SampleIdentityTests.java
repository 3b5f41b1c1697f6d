package io.github.cxonestarter.sample;

import java.time.Duration;
import java.util.Map;

import io.github.cxonestarter.cxone.test.EmbeddedCxone;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;
import reactor.netty.DisposableServer;
import reactor.netty.http.server.HttpServer;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The sample's "who am I" in access-key mode when the access token is a JWT whose
 * claims cannot be read: an encrypted one (JWE, five parts).
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT)
class SampleIdentityTests {

	private static final Duration TIMEOUT = Duration.ofSeconds(30);

	/** The shape of an encrypted JWT: a header naming RSA-OAEP and A256GCM, then four parts. */
	private static final String ENCRYPTED_JWT = "eyJhbGciOiJSU0EtT0FFUCIsImVuYyI6IkEyNTZHQ00ifQ.YQ.YQ.YQ.YQ";

	private static final EmbeddedCxone api = EmbeddedCxone.start().acceptForeignTokens(true);

	private static final DisposableServer login = HttpServer.create()
		.host("127.0.0.1")
		.port(0)
		.handle((request, response) -> request.receive()
			.then(response.status(200)
				.header("Content-Type", "application/json")
				.sendString(Mono.just("{\"access_token\":\"" + ENCRYPTED_JWT
						+ "\",\"token_type\":\"Bearer\",\"expires_in\":3600}"))
				.then()))
		.bindNow();

	@Value("${local.server.port}")
	private int port;

	@DynamicPropertySource
	static void cxone(DynamicPropertyRegistry registry) {
		registry.add("cxone.auth-mode", () -> "access-key");
		registry.add("cxone.issuer", api::baseUrl);
		registry.add("cxone.base-url", api::baseUrl);
		registry.add("cxone.token-uri", () -> "http://127.0.0.1:" + login.port() + "/login");
		registry.add("cxone.access-key-id", () -> "review-key");
		registry.add("cxone.access-key-secret", () -> "review+key/secret==");
	}

	@AfterAll
	static void stop() {
		login.disposeNow();
		api.close();
	}

	@Test
	void whenTheTokenIsAnEncryptedJwtThenWhoamiStillAnswersWithTheApiHostAndTheServerTime() {
		String body = SampleClient.forPort(this.port)
			.get()
			.uri("/whoami")
			.exchangeToMono((response) -> response.bodyToMono(String.class))
			.block(TIMEOUT);
		assertThat(body).doesNotContain(ENCRYPTED_JWT);
		Map<String, Object> identity = JsonMapper.shared().readValue(body, new TypeReference<>() {
		});
		assertThat(identity).containsEntry("apiHost", api.baseUrl()).containsKey("ServerTime");
	}

}
