package io.github.cxonestarter.cxone.accesskey;

import java.time.Duration;

import io.github.cxonestarter.cxone.CxoneTestContexts;
import io.github.cxonestarter.cxone.test.EmbeddedCxone;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The start-up login and discovery that goes on in the background
 * ({@code cxone.discovery.fail-fast=false}): what it does once the application is closed.
 */
@ExtendWith(OutputCaptureExtension.class)
class StartupDiscoveryTests {

	private static final Duration TIMEOUT = Duration.ofSeconds(30);

	private static EmbeddedCxone auth;

	@BeforeAll
	static void start() {
		auth = EmbeddedCxone.start();
	}

	@AfterAll
	static void stop() {
		auth.close();
	}

	@BeforeEach
	void reset() {
		auth.reset();
	}

	@Test
	void whenTheApplicationClosesDuringTheBackgroundLoginThenNoDiscoveryOrLogFollows(
			CapturedOutput output) {
		auth.tokenDelay(Duration.ofMillis(800));
		CxoneTestContexts.runner()
			.withPropertyValues("cxone.auth-mode=access-key", "cxone.issuer=" + auth.baseUrl(),
					"cxone.token-uri=" + auth.accessKeyLoginUri(), "cxone.access-key-id=" + EmbeddedCxone.ACCESS_KEY_ID,
					"cxone.access-key-secret=" + EmbeddedCxone.ACCESS_KEY_SECRET, "cxone.discovery.fail-fast=false")
			.run((context) -> await().atMost(TIMEOUT).until(() -> auth.tokenRequestCount() == 1));
		// The application is closed while its login waits for the answer. The login itself is
		// shared with any caller and goes on; what the start-up does with it must not. The
		// server records the login when it answers it.
		await().atMost(TIMEOUT).until(() -> auth.tokenRequests().size() == 1);
		// Nothing may follow, however long one waits: give it a while to show.
		await().pollDelay(Duration.ofSeconds(1)).atMost(TIMEOUT).until(() -> true);
		assertThat(auth.discoveryRequests()).as("discovery requests after the application was closed").isEmpty();
		assertThat(output.getAll()).doesNotContain("CXone API endpoint discovered")
			.doesNotContain("start-up login or discovery failed");
	}

}
