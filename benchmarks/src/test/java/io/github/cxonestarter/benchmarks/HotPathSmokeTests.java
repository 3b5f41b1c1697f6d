package io.github.cxonestarter.benchmarks;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.function.Supplier;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.springframework.http.HttpHeaders;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Each JMH benchmark of {@link HotPath} once, outside JMH: every client gets the answer,
 * sends the starter's token, and nothing reaches the network but the one token request,
 * so the benchmark measures what it says.
 */
class HotPathSmokeTests {

	private final HotPath hotPath = new HotPath();

	@BeforeEach
	void setUp() {
		this.hotPath.setUp();
	}

	@AfterEach
	void tearDown() {
		this.hotPath.tearDown();
	}

	@Test
	void whenEveryBenchmarkRunsThenEachClientSendsTheTokenAndGetsTheAnswerWithoutTheNetwork() {
		String answer = new String(HotPath.BODY, StandardCharsets.UTF_8);
		List<Supplier<String>> webClients = List.of(this.hotPath::plainWebClient, this.hotPath::plainWebClientWithFilter,
				this.hotPath::cxoneWebClient);
		List<Supplier<String>> restClients = List.of(this.hotPath::plainRestClient,
				this.hotPath::plainRestClientWithInterceptor, this.hotPath::cxoneRestClient);
		String token = null;
		for (Supplier<String> benchmark : webClients) {
			assertThat(benchmark.get()).isEqualTo(answer);
			token = checked(this.hotPath.lastWebClientRequest(), token);
		}
		for (Supplier<String> benchmark : restClients) {
			assertThat(benchmark.get()).isEqualTo(answer);
			token = checked(this.hotPath.lastRestClientRequest(), token);
		}
		// One token, fetched by the starter at start-up; no API request left the process.
		assertThat(this.hotPath.cxone().tokenRequestCount()).isEqualTo(1);
		assertThat(this.hotPath.cxone().apiRequestCount()).isZero();
	}

	private static String checked(HttpHeaders headers, String token) {
		assertThat(headers.getFirst(HttpHeaders.ACCEPT)).isEqualTo("application/json");
		String authorization = headers.getFirst(HttpHeaders.AUTHORIZATION);
		assertThat(authorization).startsWith("Bearer ");
		if (token != null) {
			assertThat(authorization).isEqualTo(token);
		}
		return authorization;
	}

}
