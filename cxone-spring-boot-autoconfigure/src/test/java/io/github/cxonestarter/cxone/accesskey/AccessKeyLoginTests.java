package io.github.cxonestarter.cxone.accesskey;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import io.github.cxonestarter.cxone.CxoneDiscoveryException;
import io.github.cxonestarter.cxone.CxoneTestApplication;
import io.github.cxonestarter.cxone.CxoneTestContexts;
import io.github.cxonestarter.cxone.CxoneTokenException;
import io.github.cxonestarter.cxone.CxoneWebClient;
import io.github.cxonestarter.cxone.autoconfigure.CxoneHealthContributorAutoConfiguration;
import io.github.cxonestarter.cxone.autoconfigure.CxoneMetricsAutoConfiguration;
import io.github.cxonestarter.cxone.autoconfigure.CxoneStartupFailureAnalyzer;
import io.github.cxonestarter.cxone.health.CxoneHealthIndicator;
import io.github.cxonestarter.cxone.test.EmbeddedCxone;
import io.github.cxonestarter.cxone.test.InjectedFault;
import io.github.cxonestarter.cxone.test.RecordedRequest;
import io.github.cxonestarter.cxone.token.CxoneTokenManager;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.netty.DisposableServer;
import reactor.netty.http.server.HttpServer;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.mock.env.MockEnvironment;
import org.springframework.security.oauth2.client.registration.ClientRegistration;
import org.springframework.security.oauth2.client.registration.ReactiveClientRegistrationRepository;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;

/**
 * The access-key login with the access key alone (no registered application), against an
 * embedded CXone playing the authentication host (the login and discovery) and a second
 * one playing the tenant's API host.
 */
@ExtendWith(OutputCaptureExtension.class)
class AccessKeyLoginTests {

	private static final Duration TIMEOUT = Duration.ofSeconds(30);

	private static final String FLOW_LINE = "CXone login: access-key login with the access key alone";

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

	private ApplicationContextRunner runner() {
		return CxoneTestContexts.runner()
			.withConfiguration(AutoConfigurations.of(CxoneHealthContributorAutoConfiguration.class))
			.withPropertyValues(login());
	}

	private static String[] login(String... more) {
		List<String> all = new ArrayList<>(List.of("cxone.auth-mode=access-key", "cxone.issuer=" + auth.baseUrl(),
				"cxone.token-uri=" + auth.accessKeyLoginUri(), "cxone.access-key-id=" + EmbeddedCxone.ACCESS_KEY_ID,
				"cxone.access-key-secret=" + EmbeddedCxone.ACCESS_KEY_SECRET, "cxone.token.initial-backoff=20ms"));
		all.addAll(List.of(more));
		return all.toArray(String[]::new);
	}

	private static Mono<String> serverTime(CxoneWebClient client) {
		return client.get().uri(EmbeddedCxone.SERVER_TIME_PATH).retrieve().bodyToMono(String.class);
	}

	private static Map<String, Object> json(String body) {
		return JsonMapper.shared().readValue(body, new TypeReference<Map<String, Object>>() {
		});
	}

	@Test
	void whenOnlyTheAccessKeyIsSetThenTheAppLogsInWithJsonAndNoClientAuthenticationAndLogsTheFlowOnce(
			CapturedOutput output) {
		runner().run((context) -> {
			assertThat(context).hasNotFailed();
			assertThat(serverTime(context.getBean(CxoneWebClient.class)).block(TIMEOUT)).contains("ServerTime");
			RecordedRequest login = auth.tokenRequests().get(0);
			assertThat(auth.tokenRequests()).hasSize(1);
			assertThat(login.method()).isEqualTo("POST");
			assertThat(login.path()).isEqualTo(EmbeddedCxone.ACCESS_KEY_LOGIN_PATH);
			assertThat(login.header("Content-Type")).isEqualTo("application/json");
			assertThat(login.header("Accept")).isEqualTo("application/json");
			assertThat(login.header("Authorization")).isNull();
			// The secret has +, / and =: the JSON carries it as it is, not form-encoded.
			assertThat(json(login.body())).containsOnly(Map.entry("accessKeyId", EmbeddedCxone.ACCESS_KEY_ID),
					Map.entry("accessKeySecret", EmbeddedCxone.ACCESS_KEY_SECRET));
			// No password grant, so no token endpoint to discover; the API host still is.
			assertThat(auth.discoveryRequests()).extracting(RecordedRequest::path)
				.containsExactly(EmbeddedCxone.CXONE_CONFIGURATION_PATH);
			String token = context.getBean(CxoneTokenManager.class).peek().getTokenValue();
			assertThat(api.apiRequests()).singleElement()
				.satisfies((request) -> assertThat(request.header("Authorization")).isEqualTo("Bearer " + token));
			assertThat(auth.apiRequests()).isEmpty();
		});
		String logged = output.getAll();
		assertThat(logged.split(FLOW_LINE, -1)).as("the INFO line naming the flow, once").hasSize(2);
		assertThat(logged).contains(FLOW_LINE + ", no registered application (cxone.auth-mode=access-key, no "
				+ "cxone.client-id) at " + auth.accessKeyLoginUri());
	}

	@Test
	void whenManyCallersStartColdThenOneLoginServesThemAndTheCallsAfter() {
		auth.tokenDelay(Duration.ofMillis(300));
		runner().withPropertyValues("cxone.discovery.fail-fast=false").run((context) -> {
			CxoneWebClient client = context.getBean(CxoneWebClient.class);
			List<String> answers = Flux.range(0, 50).flatMap((i) -> serverTime(client), 50).collectList().block(TIMEOUT);
			assertThat(answers).hasSize(50);
			for (int i = 0; i < 20; i++) {
				serverTime(client).block(TIMEOUT);
			}
			assertThat(auth.tokenRequestCount()).isEqualTo(1);
			assertThat(api.apiRequests()).hasSize(70).allSatisfy((request) -> assertThat(request.status()).isEqualTo(200));
		});
	}

	@Test
	void whenTheTokenNearsExpiryThenTheAppLogsInAgainAheadWhileCallersGoOnWithTheOldToken() {
		Duration lifetime = Duration.ofSeconds(4);
		Duration refreshSkew = Duration.ofMillis(1500);
		Duration loginDelay = Duration.ofMillis(500);
		auth.tokenLifetime(lifetime).tokenDelay(loginDelay);
		runner().withPropertyValues("cxone.token.refresh-skew=" + refreshSkew.toMillis() + "ms").run((context) -> {
			CxoneWebClient client = context.getBean(CxoneWebClient.class);
			AtomicInteger failures = new AtomicInteger();
			Flux.range(0, Integer.MAX_VALUE)
				.concatMap((i) -> serverTime(client).onErrorResume((ex) -> {
					failures.incrementAndGet();
					return Mono.empty();
				}).then(Mono.delay(Duration.ofMillis(10))))
				.takeUntil((tick) -> tokensInOrderOfUse().size() >= 2)
				.blockLast(TIMEOUT);
			assertThat(failures).hasValue(0);
			List<RecordedRequest> logins = auth.tokenRequests();
			assertThat(logins).hasSize(2)
				.allSatisfy((login) -> assertThat(login.path()).isEqualTo(EmbeddedCxone.ACCESS_KEY_LOGIN_PATH));
			Instant firstIssued = logins.get(0).receivedAt().plus(loginDelay);
			Instant renewal = logins.get(1).receivedAt();
			assertThat(renewal).as("the second login arrived before the first token expired")
				.isBefore(firstIssued.plus(lifetime));
			String old = tokensInOrderOfUse().get(0);
			// Callers did not wait for the second login: calls carried the old token meanwhile.
			assertThat(api.apiRequests()).as("calls with the old token while the second login was in flight")
				.filteredOn((request) -> bearer(request).equals(old) && request.receivedAt().isAfter(renewal))
				.isNotEmpty();
			assertThat(api.apiRequests()).filteredOn((request) -> request.status() != 200).isEmpty();
		});
	}

	@Test
	void whenTheTokenIsRevokedThenTheAppLogsInAgainAndReplaysTheCall() {
		runner().run((context) -> {
			CxoneWebClient client = context.getBean(CxoneWebClient.class);
			serverTime(client).block(TIMEOUT);
			auth.revokeAllTokens();
			assertThat(serverTime(client).block(TIMEOUT)).contains("ServerTime");
			assertThat(api.apiRequests()).extracting(RecordedRequest::status).containsExactly(200, 401, 200);
			assertThat(auth.tokenRequests()).hasSize(2)
				.allSatisfy((login) -> assertThat(login.path()).isEqualTo(EmbeddedCxone.ACCESS_KEY_LOGIN_PATH));
			assertThat(bearer(api.apiRequests().get(2))).isNotEqualTo(bearer(api.apiRequests().get(1)));
		});
	}

	@Test
	void whenTheKeyIsWrongThenStartupFailsWithTheTypedErrorAndTheSecretIsNowhereInTheDebugLog(CapturedOutput output) {
		String secret = "wrong+Key/Secret==Zq7";
		assertThatExceptionOfType(CxoneTokenException.class)
			.isThrownBy(() -> startApplication(login("cxone.access-key-secret=" + secret, "logging.level.root=DEBUG",
					"logging.level.reactor.netty=TRACE", "spring.http.codecs.log-request-details=true")))
			.satisfies((ex) -> {
				assertThat(ex.getReason()).isEqualTo(CxoneTokenException.Reason.ACCESS_KEY_REFUSED);
				assertThat(ex.getStatus()).isEqualTo(401);
				assertThat(ex.getTokenUri()).isEqualTo(auth.accessKeyLoginUri());
				FailureAnalysis analysis = new CxoneStartupFailureAnalyzer(accessKeyMode()).analyze(ex);
				assertThat(analysis.getDescription()).contains("CXone refused the credentials at start-up");
			})
			.withMessageContaining("The access key was refused: it is wrong, revoked or inactive")
			.withMessageContaining("CXONE_ACCESS_KEY_ID")
			.withMessageContaining("CXONE_ACCESS_KEY_SECRET")
			.withMessageContaining("Admin > Employees")
			.withMessageNotContaining(secret);
		// Refused, so not tried again.
		assertThat(auth.tokenRequests()).singleElement()
			.satisfies((login) -> assertThat(login.status()).isEqualTo(401));
		String logged = output.getAll();
		// The logging was on, and Boot reported the failure through the analyzer.
		assertThat(logged).contains("DEBUG", "CXone refused the credentials at start-up", "Admin > Employees");
		for (String form : List.of(secret, JsonMapper.shared().writeValueAsString(secret),
				java.net.URLEncoder.encode(secret, StandardCharsets.UTF_8),
				Base64.getEncoder().encodeToString(secret.getBytes(StandardCharsets.UTF_8)))) {
			assertThat(logged.split(java.util.regex.Pattern.quote(form), -1).length - 1)
				.as("times '%s' was logged", form)
				.isZero();
		}
	}

	@Test
	void whenTheKeyIsRefusedWithFailFastOffThenHealthIsDownWithTheFixAndCallsGetTheTypedError() {
		runner().withPropertyValues("cxone.access-key-secret=not-the-key", "cxone.discovery.fail-fast=false",
				"cxone.token.refusal-backoff=1ms")
			.run((context) -> {
				assertThat(context).hasNotFailed();
				Health health = context.getBean(CxoneHealthIndicator.class).health().block(TIMEOUT);
				assertThat(health.getStatus()).isEqualTo(Status.DOWN);
				assertThat(health.getDetails()).containsEntry("reason", "ACCESS_KEY_REFUSED");
				assertThat(health.getDetails().get("error").toString())
					.contains("The access key was refused", "Admin > Employees")
					.doesNotContain("not-the-key");
				// Whatever the refusal looks like, a 400 or an HTML 401 page, it is the key refused.
				auth.enqueueTokenFaults(1, InjectedFault.status(400));
				auth.enqueueTokenFaults(1, InjectedFault.status(401).htmlPage());
				for (int status : new int[] { 400, 401 }) {
					int before = auth.tokenRequestCount();
					assertThatExceptionOfType(CxoneTokenException.class)
						.isThrownBy(() -> serverTime(context.getBean(CxoneWebClient.class)).block(TIMEOUT))
						.satisfies((ex) -> assertThat(ex.getReason())
							.isEqualTo(CxoneTokenException.Reason.ACCESS_KEY_REFUSED))
						.satisfies((ex) -> assertThat(ex.getStatus()).isEqualTo(status));
					assertThat(auth.tokenRequestCount()).as("not retried").isEqualTo(before + 1);
				}
				assertThat(api.apiRequests()).isEmpty();
			});
	}

	@Test
	void whenTheStartupLoginTakesLongerThanTheDiscoveryTimeoutThenTheErrorNamesTheLoginEndpoint() {
		auth.tokenDelay(Duration.ofMillis(1500));
		assertThatExceptionOfType(CxoneDiscoveryException.class)
			.isThrownBy(() -> startApplication(login("cxone.discovery.timeout=300ms", "cxone.token.timeout=20s")))
			.satisfies((ex) -> assertThat(ex.getUrl()).isEqualTo(auth.accessKeyLoginUri()))
			.withMessageContaining("logging in at " + auth.accessKeyLoginUri())
			.withMessageContaining("then reading the tenant's cxone-configuration from " + auth.baseUrl())
			.withMessageContaining("CXONE_TOKEN_URI")
			.withMessageNotContaining("openid-configuration");
		// The server records the login when its delayed answer goes out: wait for it, so that
		// it does not land in the next test's journal.
		await().atMost(TIMEOUT).until(() -> auth.tokenRequests().size() == 1);
	}

	@Test
	void whenTheSecretHasPlusSlashEqualsQuotesAndBackslashesThenItArrivesIntact() {
		String secret = "k+/=\"\\\u00e9==";
		auth.registerAccessKey("key+/=", secret);
		runner().withPropertyValues("cxone.access-key-id=key+/=", "cxone.access-key-secret=" + secret)
			.run((context) -> {
				assertThat(context).hasNotFailed();
				assertThat(auth.tokenRequests()).singleElement().satisfies((login) -> {
					assertThat(login.status()).isEqualTo(200);
					assertThat(json(login.body())).containsEntry("accessKeyId", "key+/=")
						.containsEntry("accessKeySecret", secret);
				});
			});
	}

	@Test
	void whenTheLoginIsRateLimitedThenItIsSentAgainAfterRetryAfterWithTheSameBytesAndTheMetersCountIt() {
		auth.enqueueTokenFaults(1, InjectedFault.status(429).retryAfter("1"));
		runner().withConfiguration(AutoConfigurations.of(CxoneMetricsAutoConfiguration.class))
			.withBean(MeterRegistry.class, SimpleMeterRegistry::new)
			.run((context) -> {
				assertThat(context).hasNotFailed();
				List<RecordedRequest> logins = auth.tokenRequests();
				assertThat(logins).extracting(RecordedRequest::status).containsExactly(429, 200);
				assertThat(logins.get(1).body()).isEqualTo(logins.get(0).body());
				assertThat(logins.get(1).receivedAt()).isAfterOrEqualTo(logins.get(0).receivedAt().plusSeconds(1));
				MeterRegistry meters = context.getBean(MeterRegistry.class);
				assertThat(meters.get("cxone.token.requests").tag("outcome", "success").timer().count()).isEqualTo(1);
				assertThat(meters.get("cxone.retries").tags("target", "token", "cause", "429").counter().count())
					.isEqualTo(1);
				// A revoked token: one eviction, one more login.
				auth.revokeAllTokens();
				serverTime(context.getBean(CxoneWebClient.class)).block(TIMEOUT);
				assertThat(meters.get("cxone.token.evictions").counter().count()).isEqualTo(1);
				assertThat(meters.get("cxone.token.requests").tag("outcome", "success").timer().count()).isEqualTo(2);
			});
	}

	@Test
	void whenTheBaseUrlIsSetThenNothingIsDiscoveredAndStartupStillLogsIn() {
		runner().withPropertyValues("cxone.base-url=" + api.baseUrl()).run((context) -> {
			assertThat(context).hasNotFailed();
			// The login at start-up checks the key, even with nothing to discover.
			assertThat(auth.tokenRequestCount()).isEqualTo(1);
			assertThat(serverTime(context.getBean(CxoneWebClient.class)).block(TIMEOUT)).contains("ServerTime");
			assertThat(auth.discoveryRequests()).isEmpty();
			assertThat(api.apiRequests()).hasSize(1);
			assertThat(auth.tokenRequestCount()).isEqualTo(1);
		});
	}

	@Test
	void whenTheTokenUriIsSetThenTheLoginGoesThereAndTheApiHostIsStillDiscoveredFromTheIssuer() {
		try (EmbeddedCxone region = EmbeddedCxone.start()) {
			api.trustTokensOf(region);
			runner().withPropertyValues("cxone.token-uri=" + region.accessKeyLoginUri()).run((context) -> {
				assertThat(serverTime(context.getBean(CxoneWebClient.class)).block(TIMEOUT)).contains("ServerTime");
				assertThat(region.tokenRequests()).extracting(RecordedRequest::path)
					.containsExactly(EmbeddedCxone.ACCESS_KEY_LOGIN_PATH);
				assertThat(auth.tokenRequests()).isEmpty();
				assertThat(auth.discoveryRequests()).extracting(RecordedRequest::path)
					.containsExactly(EmbeddedCxone.CXONE_CONFIGURATION_PATH);
				assertThat(region.discoveryRequests()).isEmpty();
				assertThat(api.apiRequests()).singleElement()
					.satisfies((request) -> assertThat(request.status()).isEqualTo(200));
			});
		}
	}

	@Test
	void whenAClientIdAndSecretArePresentThenThePasswordGrantIsUsedAndWithoutThemTheLogin(CapturedOutput output) {
		runner().withPropertyValues("cxone.token-uri=", "cxone.client-id=" + EmbeddedCxone.CLIENT_ID,
				"cxone.client-secret=" + EmbeddedCxone.CLIENT_SECRET)
			.run((context) -> {
				assertThat(context).hasNotFailed();
				assertThat(auth.tokenRequests()).singleElement().satisfies((request) -> {
					assertThat(request.path()).isEqualTo(EmbeddedCxone.ACCESS_KEY_TOKEN_PATH);
					assertThat(request.body()).startsWith("grant_type=password&");
				});
				assertThat(registration(context).getAuthorizationGrantType()).isEqualTo(AccessKeyGrantRequest.PASSWORD);
			});
		assertThat(output.getAll()).contains("CXone login: password grant of an application registered with NICE");
		auth.reset().apiEndpoint(api.baseUrl());
		runner().run((context) -> {
			assertThat(auth.tokenRequests()).singleElement()
				.satisfies((request) -> assertThat(request.path()).isEqualTo(EmbeddedCxone.ACCESS_KEY_LOGIN_PATH));
			assertThat(registration(context).getAuthorizationGrantType())
				.isEqualTo(AccessKeyGrantRequest.ACCESS_KEY_LOGIN);
			assertThat(registration(context).toString()).doesNotContain(EmbeddedCxone.ACCESS_KEY_SECRET);
			assertThat(context.getBean(CxoneTokenManager.class).toString())
				.doesNotContain(EmbeddedCxone.ACCESS_KEY_SECRET);
		});
	}

	@Test
	void whenOnlyOneOfClientIdAndSecretIsSetThenStartupSaysToSetBothOrNeither() {
		Set<String> failures = new LinkedHashSet<>();
		for (String half : List.of("cxone.client-id=some-client", "cxone.client-secret=some+secret==")) {
			runner().withPropertyValues(half).run((context) -> {
				assertThat(context).hasFailed();
				assertThat(context.getStartupFailure()).rootCause()
					.hasMessageContaining("set both to use the password grant of an application registered with NICE, "
							+ "or neither to log in with the access key alone")
					.hasMessageNotContaining("some+secret==");
				failures.add(context.getStartupFailure().getCause().getMessage());
			});
		}
		assertThat(auth.tokenRequests()).isEmpty();
		assertThat(failures).hasSize(2);
		assertThat(String.join("\n", failures)).contains("cxone.client-id (CXONE_CLIENT_ID) is set but "
				+ "cxone.client-secret (CXONE_CLIENT_SECRET) is not",
				"cxone.client-secret (CXONE_CLIENT_SECRET) is set but cxone.client-id (CXONE_CLIENT_ID) is not");
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
				runner().withPropertyValues("cxone.token-uri=" + loginUri, "cxone.access-key-secret=" + secret)
					.run((context) -> {
						assertThat(context).hasFailed();
						assertThat(CxoneTestContexts.messages(context.getStartupFailure())).contains("ACCESS_KEY", "400", "[redacted]")
							.doesNotContain(secret)
							.doesNotContain(escaped);
					});
				runner().withPropertyValues("cxone.token-uri=" + loginUri, "cxone.access-key-secret=" + secret,
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
					runner().withPropertyValues(
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
		runner().run((context) -> {
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
			runner().withPropertyValues("cxone.token-uri=http://127.0.0.1:" + login.port() + "/login",
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
		runner().withPropertyValues("cxone.token.timeout=300ms").run((context) -> {
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
		runner().withPropertyValues("cxone.discovery.fail-fast=false").run((context) -> {
			io.github.cxonestarter.cxone.CxoneWebClient client = context.getBean(io.github.cxonestarter.cxone.CxoneWebClient.class);
			Mono<String> call = client.get().uri(EmbeddedCxone.SERVER_TIME_PATH).retrieve().bodyToMono(String.class);
			call.timeout(Duration.ofMillis(100)).onErrorResume((ex) -> Mono.empty()).block(TIMEOUT);
			assertThat(reactor.core.publisher.Flux.range(0, 10).flatMap((i) -> call).collectList().block(TIMEOUT))
				.hasSize(10);
			assertThat(auth.tokenRequestCount()).isEqualTo(1);
		});
	}

	private static ClientRegistration registration(org.springframework.context.ApplicationContext context) {
		return context.getBean("cxoneClientRegistrationRepository", ReactiveClientRegistrationRepository.class)
			.findByRegistrationId("cxone")
			.block(TIMEOUT);
	}

	private static MockEnvironment accessKeyMode() {
		return new MockEnvironment().withProperty("cxone.auth-mode", "access-key");
	}

	private static void startApplication(String... properties) {
		try (ConfigurableApplicationContext context = new SpringApplicationBuilder(App.class)
			.web(WebApplicationType.NONE)
			.properties(properties)
			.properties("spring.main.banner-mode=off")
			.run()) {
			context.getBean(CxoneWebClient.class);
		}
	}

	private static List<String> tokensInOrderOfUse() {
		List<String> tokens = new ArrayList<>();
		for (RecordedRequest request : api.apiRequests()) {
			String bearer = bearer(request);
			if (!tokens.contains(bearer)) {
				tokens.add(bearer);
			}
		}
		return tokens;
	}

	private static String bearer(RecordedRequest request) {
		return request.header("Authorization").substring("Bearer ".length());
	}

	@CxoneTestApplication
	static class App {

	}

}
