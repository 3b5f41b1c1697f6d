package io.github.cxonestarter.benchmarks;

import java.io.IOException;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.function.ToDoubleFunction;

import io.github.cxonestarter.cxone.test.EmbeddedCxone;

/**
 * Runs every scenario several times with the three clients side by side, against one
 * embedded CXone on loopback, and prints medians and ratios as a Markdown report. One
 * scenario compares the blocking clients instead: CxoneRestClient and a plain RestClient.
 * Arguments: {@code [iterations] [report file]}.
 */
public final class Benchmarks {

	private static final String PLAIN = "plain WebClient";

	private static final String STOCK = "stock Spring Security";

	private static final String OURS = "CxoneWebClient";

	private static final String STEADY = "steady load, concurrency 64, the clients taking turns";

	private static final String PLAIN_REST = "plain RestClient";

	private static final String OURS_REST = "CxoneRestClient";

	private static final int BLOCKING_THREADS = 64;

	private static final String BLOCKING = "blocking steady load, " + BLOCKING_THREADS
			+ " platform threads, the clients taking turns";

	private final int iterations;

	private final boolean smoke;

	/**
	 * Lifetime of the tokens during the rollover: 2 s in a smoke run, so that its short run
	 * still sees the token renewed twice.
	 */
	private final Duration rolloverTokenLifetime;

	private final Duration rolloverDuration;

	private final String rollover;

	private final Map<String, Map<String, List<Run>>> results = new LinkedHashMap<>();

	/**
	 * Token requests of each blocking client over the whole blocking scenario, its creation
	 * and warm-up included, one per iteration.
	 */
	private final Map<String, List<Integer>> blockingTokenRequests = new LinkedHashMap<>();

	private int iteration;

	Benchmarks(int iterations, boolean smoke) {
		this.iterations = iterations;
		this.smoke = smoke;
		this.rolloverTokenLifetime = smoke ? Duration.ofSeconds(2) : Duration.ofSeconds(3);
		this.rolloverDuration = smoke ? Duration.ofMillis(3200) : Duration.ofSeconds(8);
		this.rollover = "token rollover: " + this.rolloverTokenLifetime.toSeconds()
				+ " s tokens, 300 ms token endpoint, concurrency 64";
	}

	public static void main(String[] args) throws IOException {
		int iterations = (args.length > 0) ? Integer.parseInt(args[0]) : 5;
		Path report = Path.of((args.length > 1) ? args[1] : "benchmarks/target/benchmarks.md");
		Benchmarks benchmarks = new Benchmarks(iterations, false);
		benchmarks.runAll();
		String markdown = benchmarks.report();
		Files.createDirectories(report.toAbsolutePath().getParent());
		Files.writeString(report, markdown);
		// The report is this tool's output, not a log line.
		PrintStream console = System.out;
		console.println(markdown);
	}

	void runAll() {
		ExecutorService callers = Run.callers(BLOCKING_THREADS);
		try (EmbeddedCxone cxone = EmbeddedCxone.start()) {
			warmUp(cxone);
			warmUpBlocking(cxone, callers);
			for (int iteration = 0; iteration < this.iterations; iteration++) {
				this.iteration = iteration;
				coldBurst(cxone);
				steady(cxone);
				blockingSteady(cxone, callers);
				rollover(cxone);
				noExpiresIn(cxone);
				revoked(cxone);
				rateLimitStorm(cxone);
			}
		}
		finally {
			callers.shutdownNow();
		}
	}

	Map<String, Map<String, List<Run>>> results() {
		return this.results;
	}

	Map<String, List<Integer>> blockingTokenRequests() {
		return this.blockingTokenRequests;
	}

	private void warmUp(EmbeddedCxone cxone) {
		// Let the JIT compile every client's path (and the server's) before anything is measured.
		int calls = this.smoke ? 200 : 30_000;
		for (String client : List.of(PLAIN, STOCK, OURS)) {
			prepare(cxone);
			try (BenchClient bench = create(client, cxone, null)) {
				Run.measure(bench, cxone, calls, 64, (i) -> {
				});
			}
		}
	}

	private void warmUpBlocking(EmbeddedCxone cxone, ExecutorService callers) {
		int calls = this.smoke ? 200 : 30_000;
		for (String client : List.of(PLAIN_REST, OURS_REST)) {
			prepare(cxone);
			try (BlockingBenchClient bench = createBlocking(client, cxone)) {
				Run.measureBlocking(bench, cxone, callers, calls, BLOCKING_THREADS);
			}
		}
	}

	/**
	 * Return the clients in an order that rotates with each iteration, so that none is
	 * always first.
	 */
	private List<String> inTurn(String... clients) {
		List<String> order = new ArrayList<>(List.of(clients));
		Collections.rotate(order, this.iteration);
		return order;
	}

	private void coldBurst(EmbeddedCxone cxone) {
		for (String client : inTurn(STOCK, OURS)) {
			prepare(cxone);
			cxone.tokenDelay(Duration.ofMillis(100));
			try (BenchClient bench = create(client, cxone, null)) {
				record("cold burst: 200 concurrent callers, 100 ms token endpoint", client, Run.measure(bench, cxone, 200, 200, (i) -> {
				}));
			}
		}
	}

	private void steady(EmbeddedCxone cxone) {
		// 8 slices of 0.5 s per client, the clients taking turns: 4 s each in all.
		Duration slice = this.smoke ? Duration.ofMillis(250) : Duration.ofMillis(500);
		List<String> order = inTurn(PLAIN, STOCK, OURS);
		List<BenchClient> clients = new ArrayList<>();
		prepare(cxone);
		try {
			for (String client : order) {
				BenchClient bench = create(client, cxone, null);
				clients.add(bench);
				Run.measure(bench, cxone, this.smoke ? 100 : 2_000, 64, (i) -> {
				});
			}
			List<Run> runs = Run.measureInterleaved(clients, cxone, slice, this.smoke ? 2 : 8, 64);
			for (int i = 0; i < order.size(); i++) {
				record(STEADY, order.get(i), runs.get(i));
			}
		}
		finally {
			clients.forEach(BenchClient::close);
		}
	}

	/**
	 * The blocking counterpart of {@link #steady}: {@value #BLOCKING_THREADS} platform
	 * threads, each making one call after another, the clients taking turns.
	 */
	private void blockingSteady(EmbeddedCxone cxone, ExecutorService callers) {
		Duration slice = this.smoke ? Duration.ofMillis(250) : Duration.ofMillis(500);
		List<String> order = inTurn(PLAIN_REST, OURS_REST);
		List<BlockingBenchClient> clients = new ArrayList<>();
		List<Integer> setupTokenRequests = new ArrayList<>();
		prepare(cxone);
		try {
			for (String client : order) {
				int tokensBefore = cxone.tokenRequestCount();
				BlockingBenchClient bench = createBlocking(client, cxone);
				clients.add(bench);
				Run.measureBlocking(bench, cxone, callers, this.smoke ? 100 : 2_000, BLOCKING_THREADS);
				setupTokenRequests.add(cxone.tokenRequestCount() - tokensBefore);
			}
			List<Run> runs = Run.measureInterleavedBlocking(clients, cxone, callers, slice, this.smoke ? 2 : 8,
					BLOCKING_THREADS);
			for (int i = 0; i < order.size(); i++) {
				record(BLOCKING, order.get(i), runs.get(i));
				this.blockingTokenRequests.computeIfAbsent(order.get(i), (key) -> new ArrayList<>())
					.add(setupTokenRequests.get(i) + runs.get(i).tokenRequests());
			}
		}
		finally {
			clients.forEach(BlockingBenchClient::close);
		}
	}

	private void rollover(EmbeddedCxone cxone) {
		for (String client : inTurn(STOCK, OURS)) {
			prepare(cxone);
			cxone.tokenLifetime(this.rolloverTokenLifetime);
			cxone.tokenDelay(Duration.ofMillis(300));
			try (BenchClient bench = create(client, cxone, Duration.ofSeconds(1))) {
				record(this.rollover, client, Run.measureFor(bench, cxone, this.rolloverDuration, 64));
			}
		}
	}

	private void noExpiresIn(EmbeddedCxone cxone) {
		int calls = this.smoke ? 200 : 2_000;
		for (String client : inTurn(STOCK, OURS)) {
			prepare(cxone);
			cxone.includeExpiresIn(false);
			try (BenchClient bench = create(client, cxone, null)) {
				record("token response without expires_in, concurrency 16", client,
						Run.measure(bench, cxone, calls, 16, (i) -> {
						}));
			}
		}
	}

	private void revoked(EmbeddedCxone cxone) {
		int calls = this.smoke ? 300 : 3_000;
		for (String client : inTurn(PLAIN, STOCK, OURS)) {
			prepare(cxone);
			try (BenchClient bench = create(client, cxone, null)) {
				record("token revoked after a third of the calls, concurrency 16", client,
						Run.measure(bench, cxone, calls, 16, (i) -> {
							if (i == calls / 3) {
								cxone.revokeAllTokens();
							}
						}));
			}
		}
	}

	private void rateLimitStorm(EmbeddedCxone cxone) {
		int calls = this.smoke ? 300 : 3_000;
		for (String client : inTurn(PLAIN, STOCK, OURS)) {
			prepare(cxone);
			try (BenchClient bench = create(client, cxone, null)) {
				record("429 storm: 10 % of calls get 429 with Retry-After: 1, concurrency 32", client,
						Run.measure(bench, cxone, calls, 32, (i) -> {
							if (i % 10 == 0) {
								cxone.enqueueApiFaults(1, 429, "1");
							}
						}));
			}
		}
	}

	private static void prepare(EmbeddedCxone cxone) {
		cxone.reset().journal(false);
	}

	private static BenchClient create(String client, EmbeddedCxone cxone, Duration clockSkew) {
		return switch (client) {
			case PLAIN -> Clients.plain(cxone);
			case STOCK -> Clients.stock(cxone, clockSkew);
			default -> (clockSkew != null)
					? Clients.starter(cxone, "cxone.token.refresh-skew=" + clockSkew.toMillis() + "ms")
					: Clients.starter(cxone);
		};
	}

	private static BlockingBenchClient createBlocking(String client, EmbeddedCxone cxone) {
		return PLAIN_REST.equals(client) ? Clients.plainRestClient(cxone) : Clients.starterRestClient(cxone);
	}

	private void record(String scenario, String client, Run run) {
		this.results.computeIfAbsent(scenario, (key) -> new LinkedHashMap<>())
			.computeIfAbsent(client, (key) -> new ArrayList<>())
			.add(run);
	}

	/**
	 * Return the machine and JVM a run is on, for a report's first line.
	 * @return the description
	 */
	static String machine() {
		return "Machine: " + Runtime.getRuntime().availableProcessors() + " cores, "
				+ Runtime.getRuntime().maxMemory() / (1024 * 1024) + " MiB max heap, Java "
				+ System.getProperty("java.version") + " (" + System.getProperty("java.vm.name") + "), "
				+ System.getProperty("os.name") + ' ' + System.getProperty("os.arch") + ", GC "
				+ ManagementFactory.getGarbageCollectorMXBeans().stream().map((gc) -> gc.getName()).toList()
				+ ", JVM args " + ManagementFactory.getRuntimeMXBean().getInputArguments();
	}

	String report() {
		StringBuilder out = new StringBuilder();
		out.append(machine())
			.append(". Iterations: ")
			.append(this.iterations)
			.append("; every figure is the median over the iterations.\n\n");
		out.append("| scenario | client | token requests | failed calls | calls | throughput (calls/s) ")
			.append("| p50 (µs) | p99 (µs) | p99.9 (µs) |\n");
		out.append("|---|---|---:|---:|---:|---:|---:|---:|---:|\n");
		this.results.forEach((scenario, clients) -> clients.forEach((client, runs) -> out.append(String.format(Locale.ROOT,
				"| %s | %s | %s | %s | %s | %.0f | %s | %s | %s |%n", scenario, client,
				format(median(runs, Run::tokenRequests)), format(median(runs, Run::failures)),
				format(median(runs, Run::calls)), median(runs, Run::throughput), format(median(runs, Run::p50)),
				format(median(runs, Run::p99)), format(median(runs, Run::p999))))));
		out.append("\nRatios, computed pair by pair within each iteration, then the median:\n\n");
		out.append("| scenario | ratio | median | per iteration |\n|---|---|---:|---|\n");
		ratio(out, STEADY, OURS, PLAIN, "throughput", Run::throughput);
		ratio(out, STEADY, OURS, PLAIN, "p99", Run::p99);
		ratio(out, STEADY, OURS, STOCK, "throughput", Run::throughput);
		ratio(out, STEADY, OURS, STOCK, "p99", Run::p99);
		Map<String, List<Run>> rollover = this.results.get(this.rollover);
		Map<String, List<Run>> steady = this.results.get(STEADY);
		if (rollover != null && steady != null) {
			for (String client : List.of(OURS, STOCK)) {
				double[] perIteration = pairs(rollover.get(client), steady.get(client), Run::p99);
				out.append(String.format(Locale.ROOT,
						"| token rollover vs steady, %s | p99 rollover / p99 steady | %.2f | %s |%n", client,
						median(perIteration), format(perIteration)));
			}
		}
		ratio(out, BLOCKING, OURS_REST, PLAIN_REST, "throughput", Run::throughput);
		ratio(out, BLOCKING, OURS_REST, PLAIN_REST, "p99", Run::p99);
		if (!this.blockingTokenRequests.isEmpty()) {
			out.append("\nToken requests over the blocking scenario, each client's creation and warm-up included, ")
				.append("per iteration: ");
			out.append(String.join("; ", this.blockingTokenRequests.entrySet()
				.stream()
				.map((entry) -> entry.getKey() + " " + entry.getValue())
				.toList()));
			out.append(".\n");
		}
		return out.toString();
	}

	private void ratio(StringBuilder out, String scenario, String a, String b, String what, ToDoubleFunction<Run> metric) {
		Map<String, List<Run>> clients = this.results.get(scenario);
		if (clients == null) {
			return;
		}
		double[] perIteration = pairs(clients.get(a), clients.get(b), metric);
		out.append(String.format(Locale.ROOT, "| %s | %s %s / %s | %.3f | %s |%n", scenario, a, what, b,
				median(perIteration), format(perIteration)));
	}

	private static double[] pairs(List<Run> a, List<Run> b, ToDoubleFunction<Run> metric) {
		int n = Math.min(a.size(), b.size());
		double[] ratios = new double[n];
		for (int i = 0; i < n; i++) {
			ratios[i] = metric.applyAsDouble(a.get(i)) / metric.applyAsDouble(b.get(i));
		}
		return ratios;
	}

	private static double median(List<Run> runs, ToDoubleFunction<Run> metric) {
		return median(runs.stream().mapToDouble(metric).toArray());
	}

	static double median(double[] values) {
		double[] sorted = values.clone();
		Arrays.sort(sorted);
		int n = sorted.length;
		return (n % 2 == 1) ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
	}

	private static String format(double value) {
		return (value == Math.rint(value)) ? Long.toString((long) value) : String.format(Locale.ROOT, "%.1f", value);
	}

	private static String format(double[] values) {
		return String.join(", ", Arrays.stream(values).mapToObj((v) -> String.format(Locale.ROOT, "%.2f", v)).toList());
	}


}
