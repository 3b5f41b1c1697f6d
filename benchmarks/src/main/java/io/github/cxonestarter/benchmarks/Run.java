package io.github.cxonestarter.benchmarks;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntConsumer;

import io.github.cxonestarter.cxone.test.EmbeddedCxone;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * One measured run of one client: a fixed number of calls at a fixed concurrency.
 *
 * @param tokenRequests token requests the server saw
 * @param apiRequests API requests the server saw: the calls, and every retry and every
 * replay after a 401
 * @param calls calls made
 * @param failures calls that ended in an error
 * @param throughput calls per second
 * @param p50 median latency in microseconds
 * @param p99 99th percentile in microseconds
 * @param p999 99.9th percentile in microseconds
 */
record Run(int tokenRequests, int apiRequests, int calls, int failures, double throughput, long p50, long p99, long p999) {

	static final String PATH = EmbeddedCxone.SERVER_TIME_PATH;

	/**
	 * Make {@code calls} calls at {@code concurrency}, calling {@code beforeCall} with the
	 * index of each call before it starts.
	 */
	static Run measure(BenchClient client, EmbeddedCxone cxone, int calls, int concurrency, IntConsumer beforeCall) {
		int tokensBefore = cxone.tokenRequestCount();
		int apiBefore = cxone.apiRequestCount();
		long[] latencies = new long[calls];
		AtomicInteger failures = new AtomicInteger();
		long start = System.nanoTime();
		Flux.range(0, calls).flatMap((i) -> Mono.defer(() -> {
			beforeCall.accept(i);
			long begin = System.nanoTime();
			return client.call(PATH)
				.doOnTerminate(() -> latencies[i] = System.nanoTime() - begin)
				.onErrorResume((ex) -> {
					failures.incrementAndGet();
					return Mono.empty();
				});
		}), concurrency).blockLast(Duration.ofMinutes(5));
		double seconds = (System.nanoTime() - start) / 1e9;
		long[] sorted = latencies.clone();
		Arrays.sort(sorted);
		return new Run(cxone.tokenRequestCount() - tokensBefore, cxone.apiRequestCount() - apiBefore, calls,
				failures.get(), calls / seconds, percentile(sorted, 0.50), percentile(sorted, 0.99),
				percentile(sorted, 0.999));
	}

	/**
	 * Make calls at {@code concurrency} for {@code duration}.
	 */
	static Run measureFor(BenchClient client, EmbeddedCxone cxone, Duration duration, int concurrency) {
		return of(List.of(Sample.take(client, cxone, duration, concurrency)));
	}

	/**
	 * Make calls at {@code concurrency} with each client in turn, {@code slices} slices of
	 * {@code slice} each, and return one run per client, in the clients' order. The drift
	 * of a shared, noisy machine then falls on every client alike, where one long window
	 * per client would hand it to whichever client happened to run then.
	 */
	static List<Run> measureInterleaved(List<BenchClient> clients, EmbeddedCxone cxone, Duration slice, int slices,
			int concurrency) {
		List<List<Sample>> samples = new ArrayList<>();
		clients.forEach((client) -> samples.add(new ArrayList<>()));
		for (int round = 0; round < slices; round++) {
			for (int i = 0; i < clients.size(); i++) {
				samples.get(i).add(Sample.take(clients.get(i), cxone, slice, concurrency));
			}
		}
		return samples.stream().map(Run::of).toList();
	}

	private static Run of(List<Sample> samples) {
		long[] sorted = samples.stream().flatMapToLong((sample) -> Arrays.stream(sample.latencies())).sorted().toArray();
		double seconds = samples.stream().mapToDouble(Sample::seconds).sum();
		return new Run(samples.stream().mapToInt(Sample::tokenRequests).sum(),
				samples.stream().mapToInt(Sample::apiRequests).sum(), sorted.length,
				samples.stream().mapToInt(Sample::failures).sum(), sorted.length / seconds, percentile(sorted, 0.50),
				percentile(sorted, 0.99), percentile(sorted, 0.999));
	}

	/**
	 * Calls made for a while at a fixed concurrency: their latencies in nanoseconds.
	 */
	private record Sample(long[] latencies, int failures, int tokenRequests, int apiRequests, double seconds) {

		static Sample take(BenchClient client, EmbeddedCxone cxone, Duration duration, int concurrency) {
			int tokensBefore = cxone.tokenRequestCount();
			int apiBefore = cxone.apiRequestCount();
			// Room for 200 calls a millisecond, several times what this machine manages.
			long[] latencies = new long[(int) Math.min(4_000_000, Math.max(10_000, duration.toMillis() * 200))];
			AtomicInteger count = new AtomicInteger();
			AtomicInteger failures = new AtomicInteger();
			long start = System.nanoTime();
			long end = start + duration.toNanos();
			Flux.range(0, latencies.length)
				.takeWhile((i) -> System.nanoTime() < end)
				.flatMap((i) -> {
					long begin = System.nanoTime();
					return client.call(PATH)
						.doOnTerminate(() -> latencies[count.getAndIncrement()] = System.nanoTime() - begin)
						.onErrorResume((ex) -> {
							failures.incrementAndGet();
							return Mono.empty();
						});
				}, concurrency)
				.blockLast(duration.plusMinutes(5));
			double seconds = (System.nanoTime() - start) / 1e9;
			return new Sample(Arrays.copyOf(latencies, count.get()), failures.get(),
					cxone.tokenRequestCount() - tokensBefore, cxone.apiRequestCount() - apiBefore, seconds);
		}

	}

	private static long percentile(long[] sorted, double quantile) {
		int index = (int) Math.ceil(quantile * sorted.length) - 1;
		return sorted[Math.max(0, Math.min(sorted.length - 1, index))] / 1000;
	}

}
