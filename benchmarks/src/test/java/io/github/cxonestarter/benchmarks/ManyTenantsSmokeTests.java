package io.github.cxonestarter.benchmarks;

import java.io.IOException;
import java.time.Duration;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A short run of the many-tenants benchmark, so that it keeps working: a cold start of a
 * few tenants (which fails unless every call succeeds with one token request per
 * tenant), and the idle-tenant heap scenario with its embedded CXone in this JVM.
 */
class ManyTenantsSmokeTests {

	@Test
	void whenFewTenantsStartColdThenEachRequestsOneTokenAndEveryCallIsAnswered() throws IOException {
		ManyTenants benchmark = new ManyTenants(1, 5, 4, Duration.ofMillis(20), 5, true);
		benchmark.runAll();
		assertThat(benchmark.coldStarts()).singleElement().satisfies((run) -> {
			assertThat(run.tokenRequests()).isEqualTo(5);
			assertThat(run.apiRequests()).isEqualTo(20);
		});
		assertThat(benchmark.idle()).singleElement().satisfies((run) -> assertThat(run.tenants()).isEqualTo(5));
		assertThat(benchmark.report()).contains("| token requests | 5 | 5 | 5 |").contains("| 5 | one call, token held |");
	}

}
