package io.github.cxonestarter.sample;

import java.text.ParseException;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;

import com.nimbusds.jwt.JWTParser;
import io.github.cxonestarter.cxone.CxoneAccessTokenProvider;
import io.github.cxonestarter.cxone.test.EmbeddedCxone;
import io.github.cxonestarter.cxone.test.RecordedRequest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.core.env.Environment;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.assertj.core.api.InstanceOfAssertFactories.MAP;
import static org.awaitility.Awaitility.await;

/**
 * The sample application in access-key mode with no credentials: it logs in at the embedded
 * CXone's access-key login with the access key alone, discovers the API host, and answers
 * "who am I" from what a real tenant gives (the token's claims, the API host, the server
 * time), never from {@code /platform/v1/whoami}. The embedded CXone is shared with the other
 * test classes of this JVM, so only this application's requests are counted: those that carry
 * a token of the access key.
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT, properties = "cxone.auth-mode=access-key")
@ExtendWith(OutputCaptureExtension.class)
class AccessKeySampleTests {

	private static final Duration TIMEOUT = Duration.ofSeconds(30);

	private static final String SUBJECT = "user:" + EmbeddedCxone.ACCESS_KEY_ID;

	@Value("${local.server.port}")
	private int port;

	@Autowired
	private Environment environment;

	@Autowired
	private CxoneAccessTokenProvider tokens;

	@Autowired
	private AuthenticationCheck authenticationCheck;

	@Test
	void whenStartedWithoutCredentialsThenItLogsInAtTheAccessKeyLoginWithTheAccessKeyAlone() {
		assertThat(this.environment.containsProperty("cxone.client-id")).isFalse();
		assertThat(this.environment.containsProperty("cxone.client-secret")).isFalse();
		List<RecordedRequest> logins = cxone().tokenRequests()
			.stream()
			.filter((request) -> request.path().equals(EmbeddedCxone.ACCESS_KEY_LOGIN_PATH))
			.toList();
		assertThat(logins).as("logins at " + EmbeddedCxone.ACCESS_KEY_LOGIN_PATH).isNotEmpty().allSatisfy((login) -> {
			assertThat(login.method()).isEqualTo("POST");
			assertThat(login.header("Authorization")).isNull();
			assertThat(login.body()).contains("\"accessKeyId\":\"" + EmbeddedCxone.ACCESS_KEY_ID + "\"")
				.doesNotContain("client_id");
			assertThat(login.status()).isEqualTo(200);
		});
	}

	@Test
	void whoamiAnswersWithTheTokensIdentityTheApiHostAndTheServerTimeButNeverTheToken() {
		long serverTimeCalls = countOwnApiRequests(EmbeddedCxone.SERVER_TIME_PATH);
		String body = get("/whoami");
		assertThat(body).doesNotContain(this.tokens.getAccessToken().block(TIMEOUT).getTokenValue()).doesNotContain("eyJ");
		Map<String, Object> identity = JsonMapper.shared().readValue(body, new TypeReference<>() {
		});
		assertThat(identity).containsEntry("sub", SUBJECT)
			.containsEntry("tenantId", EmbeddedCxone.TENANT_ID)
			.containsEntry("icClusterId", EmbeddedCxone.CLUSTER_ID)
			.containsEntry("name", "Embedded CXone API User")
			.containsEntry("given_name", "Embedded")
			.containsEntry("family_name", "API User")
			.containsEntry("apiHost", cxone().baseUrl());
		assertThat(identity.get("icBUId")).isInstanceOf(Number.class)
			.extracting((buId) -> ((Number) buId).longValue())
			.isEqualTo(EmbeddedCxone.BUSINESS_UNIT_ID);
		assertThat(Instant.parse((String) identity.get("ServerTime"))).isCloseTo(Instant.now(),
				within(1, ChronoUnit.MINUTES));
		assertThat(countOwnApiRequests(EmbeddedCxone.SERVER_TIME_PATH)).as("requests to " + EmbeddedCxone.SERVER_TIME_PATH)
			.isGreaterThan(serverTimeCalls);
	}

	@Test
	void neitherWhoamiNorTheStartupCheckCallsPlatformWhoami(CapturedOutput output) {
		// The check runs when the application is ready; run it again inside this test's output capture.
		this.authenticationCheck.checkAuthentication();
		await().atMost(Duration.ofSeconds(10))
			.untilAsserted(() -> assertThat(output.getAll()).contains("Authentication successful: sub=" + SUBJECT
					+ ", tenantId=" + EmbeddedCxone.TENANT_ID + ", API host=" + cxone().baseUrl()));
		get("/whoami");
		// The server-time calls show that this application's requests are found at all.
		assertThat(countOwnApiRequests(EmbeddedCxone.SERVER_TIME_PATH)).as("requests to " + EmbeddedCxone.SERVER_TIME_PATH)
			.isGreaterThanOrEqualTo(2);
		assertThat(countOwnApiRequests(EmbeddedCxone.WHOAMI_PATH)).as("requests to " + EmbeddedCxone.WHOAMI_PATH)
			.isZero();
	}

	@Test
	void recentConversationsAnswerThroughTheDiscoveredApiHost() {
		assertThat(get("/conversations/recent")).contains("INBOUND");
	}

	@Test
	void tokenNeverShowsTheTokenAndHealthIsUpWithTheServerTime() {
		String token = this.tokens.getAccessToken().block(TIMEOUT).getTokenValue();
		assertThat(get("/token")).contains("\"expiresAt\"").doesNotContain(token).doesNotContain("eyJ");
		Map<String, Object> health = JsonMapper.shared().readValue(get("/actuator/health"), new TypeReference<>() {
		});
		assertThat(health).containsEntry("status", "UP");
		assertThat(health).extractingByKey("components", MAP)
			.extractingByKey("cxone", MAP)
			.containsEntry("status", "UP")
			.extractingByKey("details", MAP)
			.containsKey("ServerTime");
	}

	private String get(String path) {
		return SampleClient.forPort(this.port).get().uri(path).retrieve().bodyToMono(String.class).block(TIMEOUT);
	}

	private static EmbeddedCxone cxone() {
		EmbeddedCxone cxone = EmbeddedCxoneEnvironmentPostProcessor.started();
		assertThat(cxone).as("the embedded CXone the sample started").isNotNull();
		return cxone;
	}

	/**
	 * Count the API requests to a path that this application sent: those with a token of
	 * the access key, whose subject no client-credentials token of the shared embedded CXone
	 * carries.
	 */
	private static long countOwnApiRequests(String path) {
		return cxone().apiRequests()
			.stream()
			.filter((request) -> request.path().equals(path))
			.filter(AccessKeySampleTests::carriesAccessKeyToken)
			.count();
	}

	private static boolean carriesAccessKeyToken(RecordedRequest request) {
		String authorization = request.header("Authorization");
		if (authorization == null || !authorization.startsWith("Bearer ")) {
			return false;
		}
		try {
			return SUBJECT.equals(JWTParser.parse(authorization.substring(7)).getJWTClaimsSet().getSubject());
		}
		catch (ParseException ex) {
			return false;
		}
	}

}
