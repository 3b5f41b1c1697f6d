package io.github.cxonestarter.cxone.accesskey;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

import io.github.cxonestarter.cxone.CxoneDiscoveryException;
import io.github.cxonestarter.cxone.CxoneRestClient;
import io.github.cxonestarter.cxone.CxoneTestContexts;
import io.github.cxonestarter.cxone.CxoneTokenException;
import io.github.cxonestarter.cxone.CxoneWebClient;
import io.github.cxonestarter.cxone.autoconfigure.CxoneHealthContributorAutoConfiguration;
import io.github.cxonestarter.cxone.autoconfigure.CxoneStartupFailureAnalyzer;
import io.github.cxonestarter.cxone.health.CxoneHealthIndicator;
import io.github.cxonestarter.cxone.test.EmbeddedCxone;
import io.github.cxonestarter.cxone.test.RecordedRequest;
import io.github.cxonestarter.cxone.token.CxoneTokenManager;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.http.client.autoconfigure.service.HttpServiceClientPropertiesAutoConfiguration;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.restclient.autoconfigure.service.HttpServiceClientAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Configuration;
import org.springframework.mock.env.MockEnvironment;
import org.springframework.web.service.annotation.GetExchange;
import org.springframework.web.service.registry.ImportHttpServices;

import static io.github.cxonestarter.cxone.CxoneTestContexts.whoami;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;

/**
 * Access-key mode against an embedded CXone playing the issuer (discovery documents and
 * the password grant) and a second one playing the tenant's API host.
 */
class AccessKeyModeTests {

	private static final Duration TIMEOUT = Duration.ofSeconds(30);

	private static final MockEnvironment ACCESS_KEY_MODE = new MockEnvironment().withProperty("cxone.auth-mode",
			"access-key");

	private static EmbeddedCxone issuer;

	private static EmbeddedCxone api;

	@BeforeAll
	static void start() {
		issuer = EmbeddedCxone.start();
		api = EmbeddedCxone.start();
	}

	@AfterAll
	static void stop() {
		issuer.close();
		api.close();
	}

	@BeforeEach
	void reset() {
		issuer.reset();
		api.reset().trustTokensOf(issuer);
		issuer.apiEndpoint(api.baseUrl());
	}

	private ApplicationContextRunner runner() {
		return CxoneTestContexts.runner()
			.withConfiguration(AutoConfigurations.of(CxoneHealthContributorAutoConfiguration.class))
			.withPropertyValues("cxone.auth-mode=access-key", "cxone.issuer=" + issuer.baseUrl(),
					"cxone.client-id=" + EmbeddedCxone.CLIENT_ID, "cxone.client-secret=" + EmbeddedCxone.CLIENT_SECRET,
					"cxone.access-key-id=" + EmbeddedCxone.ACCESS_KEY_ID,
					"cxone.access-key-secret=" + EmbeddedCxone.ACCESS_KEY_SECRET, "cxone.token.initial-backoff=20ms");
	}

	@Test
	void whenTheApiHostIsDiscoveredThenCxoneRestClientAndTheCxoneGroupSendRelativePathsThere() {
		runner().withConfiguration(AutoConfigurations.of(HttpServiceClientPropertiesAutoConfiguration.class,
				HttpServiceClientAutoConfiguration.class))
			.withUserConfiguration(CxoneGroupConfiguration.class)
			.run((context) -> {
				String token = context.getBean(CxoneTokenManager.class).peek().getTokenValue();
				assertThat(whoami(context.getBean(CxoneRestClient.class))).contains("Embedded CXone API Key");
				assertThat(context.getBean(ServerTime.class).serverTime()).containsKey("ServerTime");
				assertThat(api.apiRequests()).extracting(RecordedRequest::path)
					.containsExactly(EmbeddedCxone.WHOAMI_PATH, EmbeddedCxone.SERVER_TIME_PATH);
				assertThat(api.apiRequests())
					.allSatisfy((request) -> assertThat(request.header("Authorization")).isEqualTo("Bearer " + token));
				assertThat(issuer.apiRequests()).isEmpty();
				assertThat(issuer.tokenRequestCount()).isEqualTo(1);
			});
	}

	interface ServerTime {

		@GetExchange(EmbeddedCxone.SERVER_TIME_PATH)
		java.util.Map<String, Object> serverTime();

	}

	@Configuration(proxyBeanMethods = false)
	@ImportHttpServices(group = "cxone", types = ServerTime.class)
	static class CxoneGroupConfiguration {

	}

	@Test
	void whenTheApplicationStartsThenTheTokenEndpointAndTheTenantsApiHostAreDiscovered() {
		runner().run((context) -> {
			assertThat(context).hasNotFailed();
			assertThat(issuer.discoveryRequests()).extracting(RecordedRequest::path)
				.containsExactly(EmbeddedCxone.OPENID_CONFIGURATION_PATH, EmbeddedCxone.CXONE_CONFIGURATION_PATH);
			assertThat(issuer.discoveryRequests().get(1).query()).isEqualTo("tenantId=" + EmbeddedCxone.TENANT_ID);
			assertThat(issuer.tokenRequests()).singleElement()
				.satisfies((request) -> assertThat(request.path()).isEqualTo(EmbeddedCxone.ACCESS_KEY_TOKEN_PATH));
			String token = context.getBean(CxoneTokenManager.class).peek().getTokenValue();
			assertThat(whoami(context.getBean(CxoneWebClient.class)).block(TIMEOUT)).contains("Embedded CXone API Key");
			assertThat(api.apiRequests()).singleElement()
				.satisfies((request) -> assertThat(request.header("Authorization")).isEqualTo("Bearer " + token));
			assertThat(issuer.apiRequests()).isEmpty();
			// Discovery answers are cached.
			whoami(context.getBean(CxoneWebClient.class)).block(TIMEOUT);
			assertThat(issuer.discoveryRequests()).hasSize(2);
			assertThat(issuer.tokenRequestCount()).isEqualTo(1);
		});
	}

	@Test
	void whenTheTokenIsRequestedThenTheWireFormatIsAFormEncodedPasswordGrantWithBasicClientAuth() {
		runner().run((context) -> {
			RecordedRequest request = issuer.tokenRequests().get(0);
			assertThat(request.method()).isEqualTo("POST");
			assertThat(request.header("Content-Type")).startsWith("application/x-www-form-urlencoded");
			assertThat(request.body()).isEqualTo("grant_type=password&username=" + EmbeddedCxone.ACCESS_KEY_ID
					+ "&password=embedded%2Baccess%2Fkey%3D%3D");
			assertThat(request.body()).doesNotContain("scope");
			// RFC 6749 2.3.1: each part form-encoded before Base64.
			String basic = Base64.getEncoder()
				.encodeToString(("embedded%2Bclient:embedded%2Bclient%2Fsecret%3D%3D")
					.getBytes(StandardCharsets.UTF_8));
			assertThat(request.header("Authorization")).isEqualTo("Basic " + basic);
		});
	}

	@Test
	void whenTheBaseUrlIsSetThenTheApiHostIsNotDiscovered() {
		runner().withPropertyValues("cxone.base-url=" + api.baseUrl()).run((context) -> {
			whoami(context.getBean(CxoneWebClient.class)).block(TIMEOUT);
			assertThat(issuer.discoveryRequests()).extracting(RecordedRequest::path)
				.containsExactly(EmbeddedCxone.OPENID_CONFIGURATION_PATH);
			assertThat(api.apiRequests()).hasSize(1);
		});
	}

	@Test
	void whenTheTokenUriIsSetThenTheOpenIdConfigurationIsNotRead() {
		runner().withPropertyValues("cxone.token-uri=" + issuer.baseUrl() + EmbeddedCxone.ACCESS_KEY_TOKEN_PATH)
			.run((context) -> assertThat(issuer.discoveryRequests()).extracting(RecordedRequest::path)
				.containsExactly(EmbeddedCxone.CXONE_CONFIGURATION_PATH));
	}

	@Test
	void whenTheTokenNearsExpiryThenThePasswordGrantIsRepeatedAhead() {
		issuer.tokenLifetime(Duration.ofSeconds(3));
		runner().withPropertyValues("cxone.token.refresh-skew=1s").run((context) -> {
			CxoneWebClient client = context.getBean(CxoneWebClient.class);
			CxoneTokenManager tokens = context.getBean(CxoneTokenManager.class);
			String first = tokens.peek().getTokenValue();
			await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(100)).until(() -> {
				whoami(client).block(TIMEOUT);
				return !tokens.peek().getTokenValue().equals(first);
			});
			assertThat(issuer.tokenRequests()).hasSize(2)
				.allSatisfy((request) -> assertThat(request.body()).startsWith("grant_type=password"));
			// Renewed ahead: the first token had not expired when the second arrived.
			assertThat(issuer.tokenRequests().get(1).receivedAt())
				.isBefore(issuer.tokenRequests().get(0).receivedAt().plusSeconds(3));
		});
	}

	@Test
	void whenTheAccessKeyIsWrongThenTheErrorSaysToCheckOrRenewTheAccessKey() {
		runner().withPropertyValues("cxone.access-key-secret=wrong-secret=", "cxone.discovery.fail-fast=false")
			.run((context) -> {
				assertThat(context).hasNotFailed();
				assertThatExceptionOfType(CxoneTokenException.class)
					.isThrownBy(() -> whoami(context.getBean(CxoneWebClient.class)).block(TIMEOUT))
					.satisfies((ex) -> assertThat(ex.getReason()).isEqualTo(CxoneTokenException.Reason.INVALID_GRANT))
					.withMessageContaining("invalid_grant")
					.withMessageContaining("CXONE_ACCESS_KEY_SECRET")
					.withMessageContaining("wrong or revoked")
					.withMessageNotContaining("wrong-secret=");
			});
	}

	@Test
	void whenTheApplicationRegistrationIsWrongThenTheErrorPointsAtTheClientIdAndSecret() {
		runner().withPropertyValues("cxone.client-secret=not-registered").run((context) -> {
			assertThat(context).hasFailed();
			FailureAnalysis analysis = new CxoneStartupFailureAnalyzer(ACCESS_KEY_MODE).analyze(context.getStartupFailure());
			assertThat(analysis.getDescription()).contains("invalid_client", "application registration")
				.doesNotContain("not-registered");
		});
	}

	@Test
	void whenDiscoveryFailsAtStartupThenStartupFailsNamingTheUrl() {
		issuer.failDiscoveryRequests(1, 503);
		runner().run((context) -> {
			assertThat(context).hasFailed();
			FailureAnalysis analysis = new CxoneStartupFailureAnalyzer(ACCESS_KEY_MODE).analyze(context.getStartupFailure());
			assertThat(analysis.getDescription())
				.contains(issuer.baseUrl() + EmbeddedCxone.OPENID_CONFIGURATION_PATH, "CXONE_ISSUER");
			assertThat(analysis.getAction()).contains("cxone.discovery.fail-fast=false");
		});
	}

	@Test
	void whenDiscoveryFailsAndFailFastIsOffThenTheAppStartsAndRecoversWhenDiscoveryIsBack() {
		issuer.failDiscoveryRequests(2, 503);
		runner().withPropertyValues("cxone.discovery.fail-fast=false").run((context) -> {
			assertThat(context).hasNotFailed();
			await().atMost(TIMEOUT).until(() -> issuer.discoveryRequests().size() >= 1);
			// A call may join the start-up attempt still in flight, or make its own: either way
			// the calls fail with a discovery error until both 503s are used up, then succeed.
			List<CxoneDiscoveryException> failures = new ArrayList<>();
			String identity = null;
			for (int call = 0; call < 3 && identity == null; call++) {
				try {
					identity = whoami(context.getBean(CxoneWebClient.class)).block(TIMEOUT);
				}
				catch (CxoneDiscoveryException ex) {
					failures.add(ex);
				}
			}
			assertThat(failures).isNotEmpty()
				.allSatisfy((ex) -> assertThat(ex).hasMessageContaining(EmbeddedCxone.OPENID_CONFIGURATION_PATH));
			assertThat(identity).contains("Embedded CXone API Key");
			assertThat(issuer.discoveryRequests()).filteredOn((request) -> request.status() == 503).hasSize(2);
			assertThat(api.apiRequests()).hasSize(1);
		});
	}

	@Test
	void whenInAccessKeyModeThenTheHealthCheckCallsServerTime() {
		runner().run((context) -> {
			Health health = context.getBean(CxoneHealthIndicator.class).health().block(TIMEOUT);
			assertThat(health.getStatus()).isEqualTo(Status.UP);
			assertThat(health.getDetails()).containsKey("ServerTime");
			assertThat(api.apiRequests()).extracting(RecordedRequest::path)
				.containsExactly(EmbeddedCxone.SERVER_TIME_PATH);
		});
	}

	@Test
	void whenRequiredAccessKeyValuesAreMissingThenStartupNamesTheirEnvironmentVariables() {
		CxoneTestContexts.runner()
			.withPropertyValues("cxone.auth-mode=access-key", "cxone.client-id=id", "cxone.client-secret=secret")
			.run((context) -> assertThat(context.getStartupFailure()).rootCause()
				.hasMessageContaining("Missing environment variables: CXONE_ACCESS_KEY_ID, CXONE_ACCESS_KEY_SECRET"));
	}

}
