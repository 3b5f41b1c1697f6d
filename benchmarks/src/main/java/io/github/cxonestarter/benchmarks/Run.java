package io.github.cxonestarter.benchmarks;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
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

	/**
	 * A fixed pool of {@code threads} platform threads, all started, for blocking callers.
	 */
	static ThreadPoolExecutor callers(int threads) {
		AtomicInteger number = new AtomicInteger();
		ThreadPoolExecutor pool = new ThreadPoolExecutor(threads, threads, 0, TimeUnit.MILLISECONDS,
				new LinkedBlockingQueue<>(), (task) -> {
					Thread thread = new Thread(task, "blocking-caller-" + number.incrementAndGet());
					thread.setDaemon(true);
					return thread;
				});
		pool.prestartAllCoreThreads();
		return pool;
	}

	/**
	 * Make {@code calls} blocking calls, {@code concurrency} threads of {@code callers}
	 * each calling in a loop.
	 */
	static Run measureBlocking(BlockingBenchClient client, EmbeddedCxone cxone, ExecutorService callers, int calls,
			int concurrency) {
		return of(List.of(Sample.takeBlocking(client, cxone, callers, Duration.ofMinutes(5), calls, concurrency)));
	}

	/**
	 * The blocking counterpart of {@link #measureInterleaved}: {@code concurrency} threads
	 * of {@code callers}, each calling in a loop, with each client in turn, {@code slices}
	 * slices of {@code slice} each.
	 */
	static List<Run> measureInterleavedBlocking(List<BlockingBenchClient> clients, EmbeddedCxone cxone,
			ExecutorService callers, Duration slice, int slices, int concurrency) {
		List<List<Sample>> samples = new ArrayList<>();
		clients.forEach((client) -> samples.add(new ArrayList<>()));
		for (int round = 0; round < slices; round++) {
			for (int i = 0; i < clients.size(); i++) {
				samples.get(i).add(Sample.takeBlocking(clients.get(i), cxone, callers, slice, capacity(slice), concurrency));
			}
		}
		return samples.stream().map(Run::of).toList();
	}

	/**
	 * Room for 200 calls a millisecond, several times what this machine manages.
	 */
	private static int capacity(Duration duration) {
		return (int) Math.min(4_000_000, Math.max(10_000, duration.toMillis() * 200));
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
			long[] latencies = new long[capacity(duration)];
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

		/**
		 * Blocking calls for {@code duration}, or until {@code maxCalls} were made, from
		 * {@code concurrency} threads of {@code callers}, each calling in a loop.
		 */
		static Sample takeBlocking(BlockingBenchClient client, EmbeddedCxone cxone, ExecutorService callers,
				Duration duration, int maxCalls, int concurrency) {
			int tokensBefore = cxone.tokenRequestCount();
			int apiBefore = cxone.apiRequestCount();
			long[] latencies = new long[maxCalls];
			AtomicInteger count = new AtomicInteger();
			AtomicInteger failures = new AtomicInteger();
			long start = System.nanoTime();
			long end = start + duration.toNanos();
			Runnable caller = () -> {
				while (System.nanoTime() < end) {
					int index = count.getAndIncrement();
					if (index >= latencies.length) {
						return;
					}
					long begin = System.nanoTime();
					try {
						client.call(PATH);
					}
					catch (RuntimeException ex) {
						failures.incrementAndGet();
					}
					latencies[index] = System.nanoTime() - begin;
				}
			};
			List<Future<?>> running = new ArrayList<>();
			for (int i = 0; i < concurrency; i++) {
				running.add(callers.submit(caller));
			}
			for (Future<?> future : running) {
				try {
					future.get(duration.toNanos() + Duration.ofMinutes(5).toNanos(), TimeUnit.NANOSECONDS);
				}
				catch (InterruptedException ex) {
					Thread.currentThread().interrupt();
					throw new IllegalStateException(ex);
				}
				catch (ExecutionException | TimeoutException ex) {
					throw new IllegalStateException(ex);
				}
			}
			double seconds = (System.nanoTime() - start) / 1e9;
			// A thread that found the array full reserved an index past its end, and made no call.
			int made = Math.min(count.get(), latencies.length);
			return new Sample(Arrays.copyOf(latencies, made), failures.get(), cxone.tokenRequestCount() - tokensBefore,
					cxone.apiRequestCount() - apiBefore, seconds);
		}

	}

	private static long percentile(long[] sorted, double quantile) {
		int index = (int) Math.ceil(quantile * sorted.length) - 1;
		return sorted[Math.max(0, Math.min(sorted.length - 1, index))] / 1000;
	}

}
