package io.github.cxonestarter.benchmarks;

import java.io.PrintStream;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.github.cxonestarter.cxone.http.ConnectionFailures;
import io.github.cxonestarter.cxone.metrics.CxoneInstrumentation;
import io.github.cxonestarter.cxone.test.EmbeddedCxone;
import io.github.cxonestarter.cxone.token.BlockingTokens;
import io.github.cxonestarter.cxone.token.CxoneTokenManager;
import io.github.cxonestarter.cxone.web.CallSettings;
import io.github.cxonestarter.cxone.web.CxoneExchangeFilter;
import io.github.cxonestarter.cxone.web.RetryPolicy;

import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.http.client.reactive.ClientHttpConnector;
import org.springframework.web.reactive.function.client.WebClient;

/**
 * Steady load with clients that differ by one thing each, taking turns in 0.5 s slices,
 * to find where the starter's per-call cost lies. Arguments: rounds (5), then variants
 * (all of them): {@code plain} (static header, the floor), {@code copy} (the floor with a
 * filter that copies each request to set the header), {@code assembled} (Boot's
 * {@code WebClient.Builder}, the starter's connector and its token filter, with the token
 * fetched before the load starts), {@code noretry} (the starter with
 * {@code cxone.retry.enabled=false}) and {@code starter}. Prints each variant's
 * throughput ratio to {@code plain}, median over the rounds.
 */
public final class VariantsProbe {

	private static final List<String> VARIANTS = List.of("plain", "copy", "assembled", "noretry", "starter");

	private VariantsProbe() {
	}

	public static void main(String[] args) {
		int rounds = (args.length > 0) ? Integer.parseInt(args[0]) : 5;
		List<String> variants = new ArrayList<>(List.of("plain"));
		// Every ratio is to the plain client, which always runs.
		(args.length > 1 ? Arrays.asList(args).subList(1, args.length) : VARIANTS).stream()
			.filter((variant) -> !variants.contains(variant))
			.forEach(variants::add);
		Map<String, List<Double>> ratios = new LinkedHashMap<>();
		PrintStream console = System.out;
		try (EmbeddedCxone cxone = EmbeddedCxone.start()) {
			cxone.journal(false);
			for (int round = 0; round < rounds; round++) {
				List<BenchClient> clients = new ArrayList<>();
				try {
					for (String variant : variants) {
						BenchClient client = create(variant, cxone);
						clients.add(client);
						Run.measure(client, cxone, 20_000, 64, (i) -> {
						});
					}
					List<Run> runs = Run.measureInterleaved(clients, cxone, Duration.ofMillis(500), 6, 64);
					double floor = runs.get(variants.indexOf("plain")).throughput();
					for (int i = 0; i < variants.size(); i++) {
						ratios.computeIfAbsent(variants.get(i), (key) -> new ArrayList<>())
							.add(runs.get(i).throughput() / floor);
						console.printf("round %d %-10s %8.0f calls/s p50 %6d µs p99 %6d µs%n", round, variants.get(i),
								runs.get(i).throughput(), runs.get(i).p50(), runs.get(i).p99());
					}
				}
				finally {
					clients.forEach(BenchClient::close);
				}
			}
		}
		ratios.forEach((variant, values) -> console.printf("%-10s throughput / plain: median %.2f, per round %s%n",
				variant, Benchmarks.median(values.stream().mapToDouble(Double::doubleValue).toArray()), values));
	}

	private static BenchClient create(String variant, EmbeddedCxone cxone) {
		return switch (variant) {
			case "plain" -> Clients.plain(cxone);
			case "copy" -> Clients.plainSettingTheTokenInAFilter(cxone);
			case "assembled" -> assembled(cxone);
			case "noretry" -> Clients.starter(cxone, "cxone.retry.enabled=false");
			case "starter" -> Clients.starter(cxone);
			default -> throw new IllegalArgumentException("Unknown variant " + variant + "; use " + VARIANTS);
		};
	}

	/**
	 * The starter's pieces assembled by hand, as its auto-configuration does, but with the
	 * token fetched before any load.
	 */
	private static BenchClient assembled(EmbeddedCxone cxone) {
		ConfigurableApplicationContext context = new SpringApplicationBuilder(Clients.StarterApp.class)
			.web(WebApplicationType.NONE)
			.logStartupInfo(false)
			.properties(Clients.starterProperties(cxone))
			.properties("cxone.retry.enabled=false")
			.run();
		CxoneTokenManager tokens = context.getBean(CxoneTokenManager.class);
		tokens.getAccessToken().block(Duration.ofSeconds(30));
		WebClient client = context.getBean(WebClient.Builder.class)
			.clientConnector(context.getBean("cxoneClientHttpConnector", ClientHttpConnector.class))
			.baseUrl(cxone.baseUrl())
			.defaultHeader("Accept", "application/json")
			.filter(new CxoneExchangeFilter(new CallSettings(context.getBean("cxoneBlockingTokens", BlockingTokens.class),
					URI.create(cxone.baseUrl()), null, null, new RetryPolicy(false, Duration.ofMinutes(1)),
					context.getBean("cxoneConnectionFailures", ConnectionFailures.class), "cxone.base-url", 1024,
					CxoneInstrumentation.NONE, null)))
			.build();
		return new Clients.WebClientBench("assembled", client, context::close);
	}

}
