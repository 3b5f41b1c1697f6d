package io.github.cxonestarter.benchmarks;

import java.io.PrintStream;
import java.time.Duration;

import io.github.cxonestarter.cxone.test.EmbeddedCxone;

/**
 * Steady load only, plain WebClient against CxoneWebClient configured with the given
 * properties, for profiling the starter's per-request cost. Arguments: starter properties.
 * System properties: {@code probe.concurrency} (64), and {@code probe.connectorOnly=true}
 * to measure the starter's HTTP connector without its filters.
 */
public final class SteadyProbe {

	private SteadyProbe() {
	}

	public static void main(String[] args) {
		PrintStream console = System.out;
		try (EmbeddedCxone cxone = EmbeddedCxone.start()) {
			cxone.journal(false);
			for (int round = 0; round < 4; round++) {
				Run plain;
				Run ours;
				try (BenchClient bench = Clients.plain(cxone)) {
					Run.measure(bench, cxone, 20_000, 64, (i) -> {
					});
					plain = Run.measureFor(bench, cxone, Duration.ofSeconds(3), Integer.getInteger("probe.concurrency", 64));
				}
				try (BenchClient bench = Clients.starter(cxone, args)) {
					Run.measure(bench, cxone, 20_000, 64, (i) -> {
					});
					ours = Run.measureFor(bench, cxone, Duration.ofSeconds(3), Integer.getInteger("probe.concurrency", 64));
				}
				console.printf("round %d: plain %.0f/s p50 %d p99 %d | ours %.0f/s p50 %d p99 %d | ratio %.2f%n", round,
						plain.throughput(), plain.p50(), plain.p99(), ours.throughput(), ours.p50(), ours.p99(),
						ours.throughput() / plain.throughput());
			}
		}
	}

}
