package io.github.cxonestarter.benchmarks;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.ToDoubleFunction;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import javax.management.JMException;
import javax.management.ObjectName;

import io.github.cxonestarter.cxone.CxoneClients;
import io.github.cxonestarter.cxone.CxoneTenantDefinition;
import io.github.cxonestarter.cxone.test.EmbeddedCxone;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * Many tenants served through {@link CxoneClients} with {@code cxone.multi-tenant=true}, and
 * printed as a Markdown report:
 * <ul>
 * <li>a cold start: a fresh application context, 100 tenants registered, then 20 callers
 * per tenant fired at once ({@code GET whoami} through {@code webClient(name)}), against
 * one embedded CXone whose token endpoint takes 50 ms; every call must succeed and the
 * server must see exactly one token request per tenant, or the run fails;</li>
 * <li>the heap of an idle tenant: tenants registered in one context, each holding a token
 * (one call each), the used heap after full GCs minus that of the same context with no
 * tenant, divided by the number of tenants. The embedded CXone runs in a process of its
 * own there, so that its side of the connections is not counted.</li>
 * </ul>
 * Arguments: {@code [iterations] [idle tenants] [report file]}; {@code serve} starts an
 * embedded CXone alone, for the heap scenario's server process.
 */
public final class ManyTenants {

	static final String SERVE = "serve";

	private static final String READY = "READY";

	private static final Duration TIMEOUT = Duration.ofMinutes(5);

	private static final Pattern HISTOGRAM_LINE = Pattern.compile("^\\s*\\d+:\\s+(\\d+)\\s+(\\d+)\\s+(\\S+)");

	private final int iterations;

	private final int coldTenants;

	private final int callersPerTenant;

	private final Duration tokenDelay;

	private final int idleTenants;

	private final boolean serverInProcess;

	private final List<ColdStart> coldStarts = new ArrayList<>();

	private ColdStart firstColdStart;

	private final List<Idle> idle = new ArrayList<>();

	private final List<Idle> idleOne = new ArrayList<>();

	private final List<Idle> idleUncalled = new ArrayList<>();

	private Set<String> newThreads = Set.of();

	private List<String> histogram = List.of();

	/**
	 * Create a new instance.
	 * @param iterations iterations of each scenario, after one warm-up
	 * @param coldTenants tenants of the cold start
	 * @param callersPerTenant concurrent callers per tenant in the cold start
	 * @param tokenDelay how long the token endpoint takes in the cold start
	 * @param idleTenants tenants of the heap scenario
	 * @param serverInProcess whether the heap scenario's embedded CXone runs in this JVM
	 * (counting its side of every connection) rather than in a process of its own
	 */
	ManyTenants(int iterations, int coldTenants, int callersPerTenant, Duration tokenDelay, int idleTenants,
			boolean serverInProcess) {
		this.iterations = iterations;
		this.coldTenants = coldTenants;
		this.callersPerTenant = callersPerTenant;
		this.tokenDelay = tokenDelay;
		this.idleTenants = idleTenants;
		this.serverInProcess = serverInProcess;
	}

	public static void main(String[] args) throws IOException {
		if (args.length > 0 && SERVE.equals(args[0])) {
			serve();
			return;
		}
		int iterations = (args.length > 0) ? Integer.parseInt(args[0]) : 5;
		int idleTenants = (args.length > 1) ? Integer.parseInt(args[1]) : 200;
		Path report = Path.of((args.length > 2) ? args[2] : "benchmarks/target/many-tenants.md");
		ManyTenants benchmark = new ManyTenants(iterations, 100, 20, Duration.ofMillis(50), idleTenants, false);
		benchmark.runAll();
		String markdown = benchmark.report();
		Files.createDirectories(report.toAbsolutePath().getParent());
		Files.writeString(report, markdown);
		// The report is this tool's output, not a log line.
		PrintStream console = System.out;
		console.println(markdown);
	}

	void runAll() throws IOException {
		try (EmbeddedCxone cxone = EmbeddedCxone.start()) {
			cxone.journal(false);
			// The first context of the JVM: classes loaded, code interpreted. Reported, not in the medians.
			this.firstColdStart = coldStart(cxone);
			for (int iteration = 0; iteration < this.iterations; iteration++) {
				this.coldStarts.add(coldStart(cxone));
			}
		}
		if (this.serverInProcess) {
			try (EmbeddedCxone cxone = EmbeddedCxone.start()) {
				cxone.journal(false);
				idleTenants(cxone.baseUrl(), cxone.tokenUri());
			}
		}
		else {
			try (ServerProcess server = ServerProcess.start()) {
				idleTenants(server.baseUrl(), server.tokenUri());
			}
		}
	}

	List<ColdStart> coldStarts() {
		return this.coldStarts;
	}

	List<Idle> idle() {
		return this.idle;
	}

	/**
	 * A fresh context, {@link #coldTenants} tenants registered, then all their callers at
	 * once, none of the tenants holding a token yet.
	 */
	private ColdStart coldStart(EmbeddedCxone cxone) {
		cxone.reset().journal(false).tokenDelay(this.tokenDelay);
		long begin = System.nanoTime();
		try (ConfigurableApplicationContext context = context(cxone.baseUrl(), cxone.tokenUri())) {
			long started = System.nanoTime();
			CxoneClients clients = context.getBean(CxoneClients.class);
			String[] names = register(clients, this.coldTenants, cxone.baseUrl(), cxone.tokenUri());
			long registered = System.nanoTime();
			int tokensBefore = cxone.tokenRequestCount();
			int apiBefore = cxone.apiRequestCount();
			int connectionsBefore = cxone.totalConnections();
			if (tokensBefore != 0 || apiBefore != 0) {
				throw new IllegalStateException("Registering " + names.length + " tenants sent " + tokensBefore
						+ " token requests and " + apiBefore + " API requests; registering should send none.");
			}
			int calls = names.length * this.callersPerTenant;
			long[] answeredAt = new long[calls];
			AtomicInteger answers = new AtomicInteger();
			AtomicInteger failures = new AtomicInteger();
			AtomicReference<Throwable> firstFailure = new AtomicReference<>();
			long fired = System.nanoTime();
			// Every caller subscribed at once (concurrency = calls), tenant after tenant in turn.
			Flux.range(0, calls)
				.flatMap((i) -> clients.webClient(names[i % names.length])
					.get()
					.uri(EmbeddedCxone.WHOAMI_PATH)
					.retrieve()
					.bodyToMono(String.class)
					.doOnNext((body) -> answers.incrementAndGet())
					.doOnTerminate(() -> answeredAt[i] = System.nanoTime() - fired)
					.onErrorResume((ex) -> {
						failures.incrementAndGet();
						firstFailure.compareAndSet(null, ex);
						return Mono.empty();
					}), calls)
				.blockLast(TIMEOUT);
			long wall = System.nanoTime() - fired;
			int tokenRequests = cxone.tokenRequestCount() - tokensBefore;
			int apiRequests = cxone.apiRequestCount() - apiBefore;
			if (failures.get() != 0 || answers.get() != calls || tokenRequests != names.length) {
				throw new IllegalStateException("Cold start of " + names.length + " tenants, " + this.callersPerTenant
						+ " callers each: " + answers.get() + " answers of " + calls + " calls, " + failures.get()
						+ " failed, " + tokenRequests + " token requests (expected exactly " + names.length + ")",
						firstFailure.get());
			}
			long[] sorted = answeredAt.clone();
			Arrays.sort(sorted);
			return new ColdStart(millis(started - begin), millis(registered - started), millis(wall),
					millis(sorted[(sorted.length - 1) / 2]), tokenRequests, apiRequests,
					cxone.totalConnections() - connectionsBefore);
		}
	}

	/**
	 * One context for every measurement, the embedded CXone elsewhere: a warm-up, then,
	 * in each iteration, one tenant, then {@link #idleTenants}, each time from no tenant
	 * and back.
	 */
	private void idleTenants(String baseUrl, String tokenUri) {
		try (ConfigurableApplicationContext context = context(baseUrl, tokenUri)) {
			CxoneClients clients = context.getBean(CxoneClients.class);
			// Loads every class a tenant needs and starts the shared event loops and schedulers.
			load(clients, Math.min(20, this.idleTenants), baseUrl, tokenUri);
			clients.removeAll();
			for (int iteration = 0; iteration < this.iterations; iteration++) {
				this.idleOne.add(measureIdle(clients, 1, true, baseUrl, tokenUri));
				this.idle.add(measureIdle(clients, this.idleTenants, true, baseUrl, tokenUri));
				this.idleUncalled.add(measureIdle(clients, this.idleTenants, false, baseUrl, tokenUri));
			}
			Map<String, long[]> before = histogram();
			load(clients, this.idleTenants, baseUrl, tokenUri);
			Map<String, long[]> after = histogram();
			clients.removeAll();
			this.histogram = histogramDiff(before, after, this.idleTenants);
		}
	}

	/**
	 * Register tenants and measure what they add to the heap and to the threads, each
	 * having made one call ({@code called}) or none (no token, no connection).
	 */
	private Idle measureIdle(CxoneClients clients, int tenants, boolean called, String baseUrl, String tokenUri) {
		long baseline = usedHeapAfterGc();
		Set<String> threadsBefore = threadNames();
		int threadCountBefore = ManagementFactory.getThreadMXBean().getThreadCount();
		if (called) {
			load(clients, tenants, baseUrl, tokenUri);
		}
		else {
			register(clients, tenants, baseUrl, tokenUri);
		}
		long loaded = usedHeapAfterGc();
		int threadCountAfter = ManagementFactory.getThreadMXBean().getThreadCount();
		Set<String> threadsAfter = threadNames();
		threadsAfter.removeAll(threadsBefore);
		if (!threadsAfter.isEmpty()) {
			this.newThreads = threadsAfter;
		}
		clients.removeAll();
		return new Idle(tenants, called, baseline, loaded, threadCountBefore, threadCountAfter);
	}

	/**
	 * Register tenants and make one call with each, one after another, so that each holds
	 * a token and an idle connection.
	 */
	private static void load(CxoneClients clients, int tenants, String baseUrl, String tokenUri) {
		for (String name : register(clients, tenants, baseUrl, tokenUri)) {
			String body = clients.webClient(name)
				.get()
				.uri(EmbeddedCxone.WHOAMI_PATH)
				.retrieve()
				.bodyToMono(String.class)
				.block(TIMEOUT);
			if (body == null || body.isEmpty()) {
				throw new IllegalStateException("Tenant " + name + " had an empty answer to whoami");
			}
		}
	}

	private static String[] register(CxoneClients clients, int tenants, String baseUrl, String tokenUri) {
		String[] names = new String[tenants];
		for (int i = 0; i < tenants; i++) {
			names[i] = String.format(Locale.ROOT, "tenant%04d", i);
			clients.register(names[i], CxoneTenantDefinition.of(Map.of("client-id", EmbeddedCxone.CLIENT_ID,
					"client-secret", EmbeddedCxone.CLIENT_SECRET, "base-url", baseUrl, "token-uri", tokenUri)));
		}
		return names;
	}

	/**
	 * A context that serves its tenants through {@link CxoneClients} only, none at start.
	 */
	private static ConfigurableApplicationContext context(String baseUrl, String tokenUri) {
		return new SpringApplicationBuilder(Clients.StarterApp.class).web(WebApplicationType.NONE)
			.logStartupInfo(false)
			.properties("spring.main.banner-mode=off", "logging.level.root=WARN", "cxone.multi-tenant=true",
					"cxone.base-url=" + baseUrl, "cxone.token-uri=" + tokenUri, "cxone.client-id=" + EmbeddedCxone.CLIENT_ID,
					"cxone.client-secret=" + EmbeddedCxone.CLIENT_SECRET)
			.run();
	}

	private static long usedHeapAfterGc() {
		for (int i = 0; i < 4; i++) {
			System.gc();
			sleep(Duration.ofMillis(100));
		}
		return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
	}

	private static Set<String> threadNames() {
		return Thread.getAllStackTraces()
			.keySet()
			.stream()
			.filter(Thread::isAlive)
			.map(Thread::getName)
			.collect(Collectors.toCollection(TreeSet::new));
	}

	/**
	 * The live objects by class, after a full GC ({@code jcmd <pid> GC.class_histogram}):
	 * instances and bytes.
	 */
	private static Map<String, long[]> histogram() {
		String text;
		try {
			text = (String) ManagementFactory.getPlatformMBeanServer()
				.invoke(new ObjectName("com.sun.management:type=DiagnosticCommand"), "gcClassHistogram",
						new Object[] { new String[0] }, new String[] { String[].class.getName() });
		}
		catch (JMException ex) {
			throw new IllegalStateException("No class histogram: " + ex.getMessage(), ex);
		}
		Map<String, long[]> classes = new HashMap<>();
		for (String line : text.split("\n")) {
			Matcher matcher = HISTOGRAM_LINE.matcher(line);
			if (matcher.find()) {
				long[] counts = classes.computeIfAbsent(matcher.group(3), (name) -> new long[2]);
				counts[0] += Long.parseLong(matcher.group(1));
				counts[1] += Long.parseLong(matcher.group(2));
			}
		}
		return classes;
	}

	/**
	 * The classes that grew most, as Markdown table rows, per tenant.
	 */
	private static List<String> histogramDiff(Map<String, long[]> before, Map<String, long[]> after, int tenants) {
		record Growth(String name, long instances, long bytes) {
		}
		List<Growth> growth = new ArrayList<>();
		for (Map.Entry<String, long[]> entry : after.entrySet()) {
			long[] was = before.getOrDefault(entry.getKey(), new long[2]);
			growth.add(new Growth(entry.getKey(), entry.getValue()[0] - was[0], entry.getValue()[1] - was[1]));
		}
		long total = growth.stream().mapToLong(Growth::bytes).sum();
		growth.sort((a, b) -> Long.compare(b.bytes(), a.bytes()));
		List<String> rows = new ArrayList<>();
		int shown = Math.min(Integer.getInteger("many-tenants.histogram-rows", 15), growth.size());
		for (Growth row : growth.subList(0, shown)) {
			rows.add(String.format(Locale.ROOT, "| `%s` | %.1f | %.0f |", row.name(), row.instances() / (double) tenants,
					row.bytes() / (double) tenants));
		}
		rows.add(String.format(Locale.ROOT, "| all classes | | %.0f |", total / (double) tenants));
		return rows;
	}

	String report() {
		StringBuilder out = new StringBuilder();
		out.append(Benchmarks.machine())
			.append(". Iterations: ")
			.append(this.iterations)
			.append(", after one warm-up.\n\n");
		int calls = this.coldTenants * this.callersPerTenant;
		out.append(String.format(Locale.ROOT, "Cold start: %d tenants, %d concurrent callers each (%d at once), "
				+ "token endpoint %d ms; a fresh context each iteration.%n%n", this.coldTenants, this.callersPerTenant, calls,
				this.tokenDelay.toMillis()));
		out.append("| figure | median | per iteration | first context of the JVM |\n|---|---:|---|---:|\n");
		coldRow(out, "context start, no tenant (ms)", ColdStart::contextMillis);
		coldRow(out, "register " + this.coldTenants + " tenants (ms)", ColdStart::registerMillis);
		coldRow(out, "wall time, all callers fired to all answered (ms)", ColdStart::wallMillis);
		coldRow(out, "half the callers answered (ms)", ColdStart::medianAnswerMillis);
		coldRow(out, "token requests", ColdStart::tokenRequests);
		coldRow(out, "API requests", ColdStart::apiRequests);
		coldRow(out, "connections opened", ColdStart::connections);
		out.append(String.format(Locale.ROOT, "%nIdle tenants: one call each, so that each holds a token and an idle "
				+ "connection, or registered only; embedded CXone %s.%n%n",
				this.serverInProcess ? "in this JVM (its side counted)" : "in another process"));
		out.append("| tenants | state | heap per tenant (KiB), median | per iteration (KiB) | baseline heap (MiB), "
				+ "per iteration | threads before → after |\n|---:|---|---:|---|---|---|\n");
		idleRow(out, this.idleOne);
		idleRow(out, this.idle);
		idleRow(out, this.idleUncalled);
		out.append("\nNew threads while tenants were registered: ")
			.append(this.newThreads.isEmpty() ? "none" : this.newThreads)
			.append(".\n");
		if (!this.histogram.isEmpty()) {
			out.append(String.format(Locale.ROOT, "%nLive objects added by %d idle tenants (class histogram after a "
					+ "full GC, diff), per tenant:%n%n", this.idleTenants));
			out.append("| class | instances per tenant | bytes per tenant |\n|---|---:|---:|\n");
			this.histogram.forEach((row) -> out.append(row).append('\n'));
		}
		return out.toString();
	}

	private void coldRow(StringBuilder out, String figure, ToDoubleFunction<ColdStart> metric) {
		double[] values = this.coldStarts.stream().mapToDouble(metric).toArray();
		out.append(String.format(Locale.ROOT, "| %s | %s | %s | %s |%n", figure, format(Benchmarks.median(values)),
				String.join(", ", Arrays.stream(values).mapToObj(ManyTenants::format).toList()),
				(this.firstColdStart != null) ? format(metric.applyAsDouble(this.firstColdStart)) : ""));
	}

	private static void idleRow(StringBuilder out, List<Idle> runs) {
		if (runs.isEmpty()) {
			return;
		}
		double[] kib = runs.stream().mapToDouble((run) -> run.bytesPerTenant() / 1024).toArray();
		out.append(String.format(Locale.ROOT, "| %d | %s | %.1f | %s | %s | %s |%n", runs.get(0).tenants(),
				runs.get(0).called() ? "one call, token held" : "registered, never called", Benchmarks.median(kib),
				String.join(", ", Arrays.stream(kib).mapToObj((v) -> String.format(Locale.ROOT, "%.1f", v)).toList()),
				String.join(", ", runs.stream()
					.map((run) -> String.format(Locale.ROOT, "%.1f", run.baselineBytes() / (1024.0 * 1024)))
					.toList()),
				String.join(", ", runs.stream().map((run) -> run.threadsBefore() + " → " + run.threadsAfter()).toList())));
	}

	private static String format(double value) {
		return (value == Math.rint(value)) ? Long.toString((long) value) : String.format(Locale.ROOT, "%.1f", value);
	}

	private static long millis(long nanos) {
		return TimeUnit.NANOSECONDS.toMillis(nanos);
	}

	private static void sleep(Duration duration) {
		try {
			Thread.sleep(duration.toMillis());
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(ex);
		}
	}

	/**
	 * An embedded CXone alone, until standard input closes: the heap scenario's server.
	 */
	private static void serve() throws IOException {
		try (EmbeddedCxone cxone = EmbeddedCxone.start()) {
			cxone.journal(false);
			PrintStream console = System.out;
			console.println(READY + " " + cxone.baseUrl() + " " + cxone.tokenUri());
			console.flush();
			while (System.in.read() != -1) {
				// Until the parent closes its end.
			}
		}
	}

	/**
	 * One cold start.
	 *
	 * @param contextMillis the context's start, with no tenant
	 * @param registerMillis registering every tenant
	 * @param wallMillis from the callers fired to the last answer
	 * @param medianAnswerMillis from the callers fired to half of them answered
	 * @param tokenRequests token requests the server saw
	 * @param apiRequests API requests the server saw
	 * @param connections connections the server accepted
	 */
	record ColdStart(long contextMillis, long registerMillis, long wallMillis, long medianAnswerMillis, int tokenRequests,
			int apiRequests, int connections) {

	}

	/**
	 * One measurement of idle tenants.
	 *
	 * @param tenants tenants registered
	 * @param called whether each made one call, and holds a token and a connection
	 * @param baselineBytes used heap after GC with no tenant
	 * @param loadedBytes used heap after GC with the tenants, each holding a token
	 * @param threadsBefore live threads with no tenant
	 * @param threadsAfter live threads with the tenants
	 */
	record Idle(int tenants, boolean called, long baselineBytes, long loadedBytes, int threadsBefore, int threadsAfter) {

		double bytesPerTenant() {
			return (this.loadedBytes - this.baselineBytes) / (double) this.tenants;
		}

	}

	/**
	 * An embedded CXone in a JVM of its own, this jar's {@link ManyTenants} with
	 * {@value ManyTenants#SERVE}.
	 */
	private static final class ServerProcess implements AutoCloseable {

		private final Process process;

		private final String baseUrl;

		private final String tokenUri;

		private ServerProcess(Process process, String baseUrl, String tokenUri) {
			this.process = process;
			this.baseUrl = baseUrl;
			this.tokenUri = tokenUri;
		}

		static ServerProcess start() throws IOException {
			List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
					"-Xmx256m", "-cp", System.getProperty("java.class.path")));
			if (System.getProperty("loader.main") != null) {
				// Run as this one is, from the jar by Spring Boot's PropertiesLauncher.
				command.add("-Dloader.main=" + ManyTenants.class.getName());
				command.add("org.springframework.boot.loader.launch.PropertiesLauncher");
			}
			else {
				command.add(ManyTenants.class.getName());
			}
			command.add(SERVE);
			Process process = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
			BufferedReader output = new BufferedReader(
					new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
			String line = output.readLine();
			while (line != null && !line.startsWith(READY + " ")) {
				line = output.readLine();
			}
			if (line == null) {
				process.destroyForcibly();
				throw new IllegalStateException("The embedded CXone process did not start: " + command);
			}
			String[] parts = line.split(" ");
			return new ServerProcess(process, parts[1], parts[2]);
		}

		String baseUrl() {
			return this.baseUrl;
		}

		String tokenUri() {
			return this.tokenUri;
		}

		@Override
		public void close() throws IOException {
			this.process.getOutputStream().close();
			try {
				if (!this.process.waitFor(10, TimeUnit.SECONDS)) {
					this.process.destroyForcibly();
				}
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				this.process.destroyForcibly();
			}
		}

	}

}
