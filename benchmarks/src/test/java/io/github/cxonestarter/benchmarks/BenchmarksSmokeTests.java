package io.github.cxonestarter.benchmarks;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A short run of every benchmark scenario, so that the benchmarks keep working, and the
 * counts that do not depend on the machine hold: how many token requests and failed calls
 * each client causes.
 */
class BenchmarksSmokeTests {

	@Test
	void whenEveryScenarioRunsOnceThenTheCountsFavourTheStarter() {
		Benchmarks benchmarks = new Benchmarks(1, true);
		benchmarks.runAll();
		Map<String, Map<String, List<Run>>> results = benchmarks.results();
		Run coldOurs = run(results, "cold burst", "CxoneWebClient");
		Run coldStock = run(results, "cold burst", "stock Spring Security");
		assertThat(coldOurs.tokenRequests()).isEqualTo(1);
		assertThat(coldStock.tokenRequests()).isGreaterThan(1);
		assertThat(run(results, "without expires_in", "CxoneWebClient").tokenRequests()).isEqualTo(1);
		assertThat(run(results, "without expires_in", "stock Spring Security").tokenRequests()).isGreaterThan(100);
		Run revokedOurs = run(results, "revoked", "CxoneWebClient");
		assertThat(revokedOurs.failures()).isZero();
		assertThat(revokedOurs.tokenRequests()).isEqualTo(2);
		assertThat(run(results, "revoked", "stock Spring Security").failures()).isPositive();
		assertThat(run(results, "429 storm", "CxoneWebClient").failures()).isZero();
		assertThat(run(results, "429 storm", "stock Spring Security").failures()).isPositive();
		assertThat(run(results, "rollover", "CxoneWebClient").failures()).isZero();
		assertThat(run(results, "steady", "CxoneWebClient").failures()).isZero();
		assertThat(benchmarks.report())
			.contains("| steady load, concurrency 64, the clients taking turns | CxoneWebClient throughput / plain WebClient |");
	}

	private static Run run(Map<String, Map<String, List<Run>>> results, String scenario, String client) {
		return results.entrySet()
			.stream()
			.filter((entry) -> entry.getKey().contains(scenario))
			.findFirst()
			.orElseThrow()
			.getValue()
			.get(client)
			.get(0);
	}

}
