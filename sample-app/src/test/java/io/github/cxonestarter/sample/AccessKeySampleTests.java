package io.github.cxonestarter.sample;

import java.time.Duration;

import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.web.reactive.function.client.WebClient;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The sample application in access-key mode, on the embedded CXone: the token endpoint and
 * the API host are discovered, as with a real tenant.
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT, properties = "cxone.auth-mode=access-key")
class AccessKeySampleTests {

	private static final Duration TIMEOUT = Duration.ofSeconds(30);

	@Value("${local.server.port}")
	private int port;

	@Test
	void whenInAccessKeyModeThenEveryEndpointAnswersAndHealthUsesServerTime() {
		WebClient sample = SampleClient.forPort(this.port);
		assertThat(sample.get().uri("/whoami").retrieve().bodyToMono(String.class).block(TIMEOUT))
			.contains("Embedded CXone API Key");
		assertThat(sample.get().uri("/conversations/recent").retrieve().bodyToMono(String.class).block(TIMEOUT))
			.contains("INBOUND");
		assertThat(sample.get().uri("/token").retrieve().bodyToMono(String.class).block(TIMEOUT))
			.contains("\"expiresAt\"")
			.doesNotContain("eyJ");
		assertThat(sample.get().uri("/actuator/health").retrieve().bodyToMono(String.class).block(TIMEOUT))
			.contains("\"cxone\"", "ServerTime");
	}

}
