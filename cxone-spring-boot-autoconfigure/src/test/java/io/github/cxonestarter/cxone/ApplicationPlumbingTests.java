package io.github.cxonestarter.cxone;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

import io.github.cxonestarter.cxone.test.EmbeddedCxone;
import io.github.cxonestarter.cxone.test.RecordedRequest;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import reactor.core.publisher.Mono;

import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.webclient.WebClientCustomizer;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.web.reactive.function.client.ExchangeFilterFunction;
import org.springframework.web.reactive.function.client.WebClient;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The application's own WebClient plumbing (its {@link WebClient.Builder}, its
 * {@link WebClientCustomizer}s, Boot's {@code spring.http.codecs.log-request-details}) is
 * left as the application made it, and never sees a secret or a token.
 */
@ExtendWith(OutputCaptureExtension.class)
class ApplicationPlumbingTests {

	private static final Duration TIMEOUT = Duration.ofSeconds(30);

	private static final String CANARY_CLIENT = "canary-client";

	private static final String CANARY_CLIENT_SECRET = "canary+Client/Secret=7f3a";

	private static final String CANARY_KEY = "canary-key";

	private static final String CANARY_KEY_SECRET = "canary+Access/Key==91c2";


	@Test
	void whenRequestDetailsAreLoggedAndTheAppLogsEveryRequestThenNoSecretOrTokenIsLogged(CapturedOutput output) {
		List<String> tokens = new ArrayList<>();
		try (EmbeddedCxone cxone = EmbeddedCxone.start()) {
			cxone.registerClient(CANARY_CLIENT, CANARY_CLIENT_SECRET).registerAccessKey(CANARY_KEY, CANARY_KEY_SECRET);
			String[] clientCredentials = { "cxone.base-url=" + cxone.baseUrl(), "cxone.token-uri=" + cxone.tokenUri(),
					"cxone.client-id=" + CANARY_CLIENT, "cxone.client-secret=" + CANARY_CLIENT_SECRET };
			callWhoami(LoggingApp.class, clientCredentials);
			callWhoami(LoggingApp.class, append(clientCredentials, "cxone.client-authentication-method=client-secret-post"));
			callWhoami(LoggingApp.class, "cxone.auth-mode=access-key", "cxone.issuer=" + cxone.baseUrl(),
					"cxone.client-id=" + CANARY_CLIENT, "cxone.client-secret=" + CANARY_CLIENT_SECRET,
					"cxone.access-key-id=" + CANARY_KEY, "cxone.access-key-secret=" + CANARY_KEY_SECRET);
			callWhoami(LoggingApp.class, "cxone.auth-mode=access-key", "cxone.issuer=" + cxone.baseUrl(),
					"cxone.token-uri=" + cxone.accessKeyLoginUri(), "cxone.access-key-id=" + CANARY_KEY,
					"cxone.access-key-secret=" + CANARY_KEY_SECRET);
			for (RecordedRequest request : cxone.apiRequests()) {
				tokens.add(request.header("Authorization").substring("Bearer ".length()));
			}
			// The four applications each got a token, and sent their secrets in the four ways.
			assertThat(cxone.tokenRequests()).hasSize(4);
			assertThat(cxone.tokenRequests().get(1).body()).contains("client_secret=");
			assertThat(cxone.tokenRequests().get(2).body()).contains("password=");
			assertThat(cxone.tokenRequests().get(3).body()).contains("\"accessKeySecret\"");
		}
		assertThat(tokens).hasSize(4).doesNotHaveDuplicates();
		String logged = output.getAll();
		// The logging was on: the application's filter saw the requests, and so did Spring's TRACE log.
		assertThat(logged).contains("app filter saw GET", "TRACE");
		List<String> secrets = new ArrayList<>(tokens);
		for (String secret : List.of(CANARY_CLIENT_SECRET, CANARY_KEY_SECRET)) {
			secrets.add(secret);
			secrets.add(URLEncoder.encode(secret, StandardCharsets.UTF_8));
		}
		secrets.add(basic(CANARY_CLIENT, CANARY_CLIENT_SECRET));
		secrets.add(basic(CANARY_CLIENT, URLEncoder.encode(CANARY_CLIENT_SECRET, StandardCharsets.UTF_8)));
		for (String secret : secrets) {
			// Counted, so that a failure names what leaked without printing the whole log.
			assertThat(logged.split(java.util.regex.Pattern.quote(secret), -1).length - 1)
				.as("times '%s' was logged", secret)
				.isZero();
		}
	}

	@Test
	void whenTheAppHasASingletonWebClientBuilderThenItsOwnClientsGetNoCxoneFilterBaseUrlOrToken() {
		try (EmbeddedCxone cxone = EmbeddedCxone.start(); EmbeddedCxone other = EmbeddedCxone.start()) {
			try (ConfigurableApplicationContext app = start(SingletonBuilderApp.class, "cxone.base-url=" + cxone.baseUrl(),
					"cxone.token-uri=" + cxone.tokenUri(), "cxone.client-id=" + EmbeddedCxone.CLIENT_ID,
					"cxone.client-secret=" + EmbeddedCxone.CLIENT_SECRET)) {
				assertThat(CxoneTestContexts.whoami(app.getBean(CxoneWebClient.class)).block(TIMEOUT))
					.contains("Embedded CXone API Key");
				// Built after start-up from the application's own builder.
				WebClient own = app.getBean(WebClient.Builder.class).build();
				Integer status = own.get()
					.uri(other.baseUrl() + EmbeddedCxone.ECHO_PREFIX)
					.exchangeToMono((response) -> Mono.just(response.statusCode().value()))
					.block(TIMEOUT);
				// It reached the other server (no CxoneForeignHostException), without a token.
				assertThat(status).isEqualTo(401);
				assertThat(other.apiRequests()).singleElement()
					.satisfies((request) -> assertThat(request.header("Authorization")).isNull());
				// And it has no base URL: a relative URI does not go to CXone.
				int cxoneCalls = cxone.apiRequestCount();
				Mono<Integer> relative = own.get()
					.uri(EmbeddedCxone.WHOAMI_PATH)
					.exchangeToMono((response) -> Mono.just(response.statusCode().value()));
				assertThat(relative.onErrorReturn(-1).block(TIMEOUT)).isEqualTo(-1);
				assertThat(cxone.apiRequestCount()).isEqualTo(cxoneCalls);
			}
		}
	}

	private static void callWhoami(Class<?> app, String... properties) {
		try (ConfigurableApplicationContext context = start(app,
				append(properties, "logging.level.root=TRACE", "spring.http.codecs.log-request-details=true"))) {
			assertThat(CxoneTestContexts.whoami(context.getBean(CxoneWebClient.class)).block(TIMEOUT))
				.contains("Embedded CXone API Key");
		}
	}

	private static ConfigurableApplicationContext start(Class<?> app, String... properties) {
		return new SpringApplicationBuilder(app).web(WebApplicationType.NONE)
			.properties(append(properties, "spring.main.banner-mode=off"))
			.run();
	}

	private static String[] append(String[] properties, String... more) {
		List<String> all = new ArrayList<>(List.of(properties));
		all.addAll(List.of(more));
		return all.toArray(String[]::new);
	}

	private static String basic(String user, String password) {
		return Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
	}

	@CxoneTestApplication
	static class LoggingApp {

		private static final Log logger = LogFactory.getLog(LoggingApp.class);

		// An application that logs every request its WebClients send, headers included.
		@Bean
		WebClientCustomizer loggingCustomizer() {
			return (builder) -> builder.filter(ExchangeFilterFunction.ofRequestProcessor((request) -> {
				logger.info("app filter saw " + request.method() + " " + request.url() + " " + request.headers());
				return Mono.just(request);
			}));
		}

	}

	@CxoneTestApplication
	static class SingletonBuilderApp {

		@Bean
		WebClient.Builder webClientBuilder() {
			return WebClient.builder();
		}

	}

}
