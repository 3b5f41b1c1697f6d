package io.github.cxonestarter.cxone.accesskey;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import io.github.cxonestarter.cxone.CxoneTestContexts;
import io.github.cxonestarter.cxone.CxoneTokenException;
import io.github.cxonestarter.cxone.autoconfigure.CxoneHealthContributorAutoConfiguration;
import io.github.cxonestarter.cxone.health.CxoneHealthIndicator;
import io.github.cxonestarter.cxone.test.EmbeddedCxone;
import io.github.cxonestarter.cxone.test.InjectedFault;
import io.github.cxonestarter.cxone.test.RecordedRequest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import reactor.core.publisher.Mono;
import reactor.netty.DisposableServer;
import reactor.netty.http.server.HttpServer;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Review of the access-key login: what a hostile or unusual login endpoint can make the
 * starter do, and what the start-up login changed for the password grant.
 */
@ExtendWith(OutputCaptureExtension.class)
class AccessKeyLoginReviewTests {

	private static final Duration TIMEOUT = Duration.ofSeconds(30);

	private static EmbeddedCxone auth;

	private static EmbeddedCxone api;

	@BeforeAll
	static void start() {
		auth = EmbeddedCxone.start();
		api = EmbeddedCxone.start();
	}

	@AfterAll
	static void stop() {
		auth.close();
		api.close();
	}

	@BeforeEach
	void reset() {
		auth.reset().apiEndpoint(api.baseUrl());
		api.reset().trustTokensOf(auth);
	}

	private ApplicationContextRunner login() {
		return CxoneTestContexts.runner()
			.withConfiguration(AutoConfigurations.of(CxoneHealthContributorAutoConfiguration.class))
			.withPropertyValues("cxone.auth-mode=access-key", "cxone.issuer=" + auth.baseUrl(),
					"cxone.token-uri=" + auth.accessKeyLoginUri(), "cxone.access-key-id=" + EmbeddedCxone.ACCESS_KEY_ID,
					"cxone.access-key-secret=" + EmbeddedCxone.ACCESS_KEY_SECRET, "cxone.token.initial-backoff=20ms");
	}

	/** A login endpoint that refuses the request and, like many frameworks, quotes it back. */
	private static DisposableServer echoingServer(int status, boolean inErrorCode) {
		return HttpServer.create()
			.host("127.0.0.1")
			.port(0)
			.handle((request, response) -> request.receive()
				.aggregate()
				.asString(StandardCharsets.UTF_8)
				.defaultIfEmpty("")
				.flatMap((body) -> response.status(status)
					.header("Content-Type", "application/json")
					.sendString(Mono.just(JsonMapper.shared()
						.writeValueAsString(inErrorCode ? Map.of("error", "invalid request " + body)
								: Map.of("error", "invalid_request", "error_description", "Invalid request " + body))))
					.then()))
			.bindNow();
	}

	private static String messages(Throwable failure) {
		StringBuilder all = new StringBuilder();
		for (Throwable t = failure; t != null; t = t.getCause()) {
			all.append(t).append('\n');
		}
		return all.toString();
	}

	@Test
	void whenTheLoginEndpointQuotesTheRequestInItsErrorDescriptionThenTheSecretIsInNoMessageLogOrHealth(
			CapturedOutput output) {
		for (String secret : List.of("Echo+Canary/Secret==7Qx", "Echo\"Canary\\Secret\u00e9==")) {
			echoedSecretIsRedacted(secret, output);
		}
	}

	private void echoedSecretIsRedacted(String secret, CapturedOutput output) {
		String quoted = JsonMapper.shared().writeValueAsString(secret);
		String escaped = quoted.substring(1, quoted.length() - 1);
		for (boolean inErrorCode : new boolean[] { false, true }) {
			DisposableServer echo = echoingServer(400, inErrorCode);
			try {
				String loginUri = "http://127.0.0.1:" + echo.port() + EmbeddedCxone.ACCESS_KEY_LOGIN_PATH;
				login().withPropertyValues("cxone.token-uri=" + loginUri, "cxone.access-key-secret=" + secret)
					.run((context) -> {
						assertThat(context).hasFailed();
						assertThat(messages(context.getStartupFailure())).contains("ACCESS_KEY", "400", "[redacted]")
							.doesNotContain(secret)
							.doesNotContain(escaped);
					});
				login().withPropertyValues("cxone.token-uri=" + loginUri, "cxone.access-key-secret=" + secret,
						"cxone.discovery.fail-fast=false")
					.run((context) -> {
						Health health = context.getBean(CxoneHealthIndicator.class).health().block(TIMEOUT);
						assertThat(health.getDetails()).containsEntry("reason", "ACCESS_KEY_REFUSED");
						assertThat(health.getDetails().toString()).doesNotContain(secret).doesNotContain(escaped);
					});
			}
			finally {
				echo.disposeNow();
			}
		}
		assertThat(output.getAll()).doesNotContain(secret).doesNotContain(escaped);
	}

	@Test
	void whenTheLoginEndpointRedirectsThenTheSecretIsNotSentToTheOtherHost() {
		List<String> elsewhere = new CopyOnWriteArrayList<>();
		DisposableServer other = HttpServer.create()
			.host("127.0.0.1")
			.port(0)
			.handle((request, response) -> request.receive().aggregate().asString().defaultIfEmpty("").flatMap((body) -> {
				elsewhere.add(request.method() + " " + request.uri() + " " + body);
				return response.status(200)
					.header("Content-Type", "application/json")
					.sendString(Mono.just("{\"access_token\":\"stolen\",\"token_type\":\"Bearer\"}"))
					.then();
			}))
			.bindNow();
		try {
			for (int status : new int[] { 301, 302, 307, 308 }) {
				DisposableServer redirecting = HttpServer.create()
					.host("127.0.0.1")
					.port(0)
					.handle((request, response) -> request.receive()
						.then(response.status(status)
							.header("Location", "http://127.0.0.1:" + other.port() + "/collect")
							.send()
							.then()))
					.bindNow();
				try {
					login().withPropertyValues(
							"cxone.token-uri=http://127.0.0.1:" + redirecting.port() + EmbeddedCxone.ACCESS_KEY_LOGIN_PATH)
						.run((context) -> {
							assertThat(context).hasFailed();
							assertThat(context.getStartupFailure()).isInstanceOf(CxoneTokenException.class)
								.hasMessageContaining("answered " + status);
						});
				}
				finally {
					redirecting.disposeNow();
				}
			}
			assertThat(elsewhere).isEmpty();
		}
		finally {
			other.disposeNow();
		}
	}

	@Test
	void whenTheConnectionBreaksBeforeTheAnswerThenTheLoginIsSentAgainWithTheSameBytes() {
		auth.enqueueTokenFaults(1, InjectedFault.closeWithoutResponse());
		auth.enqueueTokenFaults(1, InjectedFault.status(503).retryAfter("0"));
		login().run((context) -> {
			assertThat(context).hasNotFailed();
			List<RecordedRequest> logins = auth.tokenRequests();
			assertThat(logins).hasSize(3);
			assertThat(logins).extracting(RecordedRequest::body).containsOnly(logins.get(2).body());
			assertThat(logins.get(2).status()).isEqualTo(200);
		});
	}

	@Test
	void whenThePasswordGrantHasABaseUrlThenStartupSendsNoTokenRequestAsBefore() {
		// Before this change, start-up in password-grant mode read the issuer's OpenID
		// configuration and, with cxone.base-url set, nothing else: no token request.
		CxoneTestContexts.runner()
			.withPropertyValues("cxone.auth-mode=access-key", "cxone.issuer=" + auth.baseUrl(),
					"cxone.base-url=" + api.baseUrl(), "cxone.client-id=" + EmbeddedCxone.CLIENT_ID,
					"cxone.client-secret=" + EmbeddedCxone.CLIENT_SECRET,
					"cxone.access-key-id=" + EmbeddedCxone.ACCESS_KEY_ID,
					"cxone.access-key-secret=" + EmbeddedCxone.ACCESS_KEY_SECRET)
			.run((context) -> {
				assertThat(context).hasNotFailed();
				assertThat(auth.discoveryRequests()).extracting(RecordedRequest::path)
					.containsExactly(EmbeddedCxone.OPENID_CONFIGURATION_PATH);
				assertThat(auth.tokenRequests()).as("token requests at start-up").isEmpty();
			});
	}

	@Test
	void whenTheTokenCarriesAHostileTenantIdThenItStaysOneQueryParameterOfTheIssuersDiscoveryUrl() {
		String tenant = "t&tenantId=evil#frag /?x=1\n";
		String jwt = base64Url("{\"alg\":\"none\"}") + "."
				+ base64Url(JsonMapper.shared().writeValueAsString(Map.of("tenantId", tenant, "sub", "u"))) + ".";
		DisposableServer login = HttpServer.create()
			.host("127.0.0.1")
			.port(0)
			.handle((request, response) -> request.receive()
				.then(response.status(200)
					.header("Content-Type", "application/json")
					.sendString(Mono.just("{\"access_token\":\"" + jwt + "\",\"token_type\":\"Bearer\",\"expires_in\":3600}"))
					.then()))
			.bindNow();
		try {
			login().withPropertyValues("cxone.token-uri=http://127.0.0.1:" + login.port() + "/login",
					"cxone.discovery.fail-fast=false")
				.run((context) -> {
					await().atMost(TIMEOUT).until(() -> !auth.discoveryRequests().isEmpty());
					RecordedRequest discovery = auth.discoveryRequests().get(0);
					assertThat(discovery.path()).isEqualTo(EmbeddedCxone.CXONE_CONFIGURATION_PATH);
					assertThat(java.net.URLDecoder.decode(discovery.query().substring("tenantId=".length()),
							StandardCharsets.UTF_8)).isEqualTo(tenant);
					assertThat(discovery.query()).startsWith("tenantId=").doesNotContain("&");
				});
		}
		finally {
			login.disposeNow();
		}
	}

	@Test
	void whenTheLoginHangsThenStartupFailsWithinTheTokenTimeoutWithATypedTimeout() {
		auth.tokenDelay(Duration.ofMillis(1500));
		login().withPropertyValues("cxone.token.timeout=300ms").run((context) -> {
			assertThat(context).hasFailed();
			// The token deadline, not the (30 s) discovery timeout, ended it.
			assertThat(context.getStartupFailure()).isInstanceOfSatisfying(CxoneTokenException.class,
					(ex) -> assertThat(ex.getReason()).isEqualTo(CxoneTokenException.Reason.TIMEOUT))
				.hasMessageContaining("cxone.token.timeout (300 ms)");
		});
		assertThat(auth.tokenRequestCount()).isEqualTo(1);
		// The server records the login when its delayed answer goes out: wait for it, so that
		// it does not land in the next test's journal.
		await().atMost(TIMEOUT).until(() -> auth.tokenRequests().size() == 1);
	}

	private static String base64Url(String text) {
		return java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(text.getBytes(StandardCharsets.UTF_8));
	}

	@Test
	void whenOneColdCallerCancelsDuringASlowLoginThenTheOthersGetItsTokenAndNoSecondLoginIsSent() {
		auth.tokenDelay(Duration.ofMillis(800));
		login().withPropertyValues("cxone.discovery.fail-fast=false").run((context) -> {
			io.github.cxonestarter.cxone.CxoneWebClient client = context.getBean(io.github.cxonestarter.cxone.CxoneWebClient.class);
			Mono<String> call = client.get().uri(EmbeddedCxone.SERVER_TIME_PATH).retrieve().bodyToMono(String.class);
			call.timeout(Duration.ofMillis(100)).onErrorResume((ex) -> Mono.empty()).block(TIMEOUT);
			assertThat(reactor.core.publisher.Flux.range(0, 10).flatMap((i) -> call).collectList().block(TIMEOUT))
				.hasSize(10);
			assertThat(auth.tokenRequestCount()).isEqualTo(1);
		});
	}

}
