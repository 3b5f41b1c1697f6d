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
		// 2 s tokens, renewed from 1 s before their expiry by a token endpoint that takes 300 ms:
		// one renewal every 1.3 s, so token requests at about 0, 1.3 and 2.6 s of the 3.2 s run.
		// Renewing only at expiry would make two (at 0 and 2 s), a token per call thousands.
		Run rolloverOurs = run(results, "rollover", "CxoneWebClient");
		assertThat(rolloverOurs.tokenRequests()).isEqualTo(3);
		assertThat(rolloverOurs.failures()).isZero();
		// Each token was renewed before CXone stopped taking it: no call met a 401 and was replayed.
		assertThat(rolloverOurs.apiRequests()).isEqualTo(rolloverOurs.calls());
		assertThat(run(results, "steady load, concurrency 64", "CxoneWebClient").failures()).isZero();
		// Blocking: one token for CxoneRestClient over the whole scenario (creation, warm-up and
		// the measured slices), none while measured, no call failed, retried or replayed.
		Run blockingOurs = run(results, "blocking steady load", "CxoneRestClient");
		Run blockingPlain = run(results, "blocking steady load", "plain RestClient");
		assertThat(benchmarks.blockingTokenRequests().get("CxoneRestClient")).containsExactly(1);
		assertThat(blockingOurs.tokenRequests()).isZero();
		assertThat(blockingOurs.calls()).isPositive();
		assertThat(blockingOurs.failures()).isZero();
		assertThat(blockingOurs.apiRequests()).isEqualTo(blockingOurs.calls());
		assertThat(blockingPlain.calls()).isPositive();
		assertThat(blockingPlain.failures()).isZero();
		assertThat(blockingPlain.apiRequests()).isEqualTo(blockingPlain.calls());
		assertThat(benchmarks.report())
			.contains("| steady load, concurrency 64, the clients taking turns | CxoneWebClient throughput / plain WebClient |")
			.contains("| blocking steady load, 64 platform threads, the clients taking turns "
					+ "| CxoneRestClient throughput / plain RestClient |");
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
