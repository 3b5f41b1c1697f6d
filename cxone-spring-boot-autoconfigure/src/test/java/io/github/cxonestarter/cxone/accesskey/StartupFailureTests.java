package io.github.cxonestarter.cxone.accesskey;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import io.github.cxonestarter.cxone.CxoneApiException;
import io.github.cxonestarter.cxone.CxoneDiscoveryException;
import io.github.cxonestarter.cxone.CxoneTestApplication;
import io.github.cxonestarter.cxone.CxoneWebClient;
import io.github.cxonestarter.cxone.autoconfigure.CxoneStartupFailureAnalyzer;
import io.github.cxonestarter.cxone.test.EmbeddedCxone;
import io.github.cxonestarter.cxone.test.EmbeddedCxoneExtension;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.ApplicationRunner;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.context.annotation.Bean;
import org.springframework.mock.env.MockEnvironment;

import static io.github.cxonestarter.cxone.CxoneTestContexts.whoami;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatException;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * What an application that cannot start because of CXone reports, as Boot prints it: a
 * typed error naming the URL, and advice that fits the cause.
 */
@ExtendWith({ EmbeddedCxoneExtension.class, OutputCaptureExtension.class })
class StartupFailureTests {


	private EmbeddedCxone cxone;

	@BeforeEach
	void useCxone(EmbeddedCxone cxone) {
		this.cxone = cxone;
	}

	private String[] accessKey(String... more) {
		List<String> all = new ArrayList<>(List.of("cxone.auth-mode=access-key", "cxone.issuer=" + cxone.baseUrl(),
				"cxone.client-id=" + EmbeddedCxone.CLIENT_ID, "cxone.client-secret=" + EmbeddedCxone.CLIENT_SECRET,
				"cxone.access-key-id=" + EmbeddedCxone.ACCESS_KEY_ID,
				"cxone.access-key-secret=" + EmbeddedCxone.ACCESS_KEY_SECRET, "cxone.token.initial-backoff=20ms"));
		all.addAll(List.of(more));
		return all.toArray(String[]::new);
	}

	@Test
	void whenDiscoveryTimesOutAtStartupThenTheFailureIsADiscoveryErrorNamingTheUrl(CapturedOutput output) {
		cxone.apiDelay(Duration.ofSeconds(5));
		assertThatExceptionOfType(CxoneDiscoveryException.class)
			.isThrownBy(() -> start(App.class, accessKey("cxone.discovery.timeout=500ms")))
			.withMessageContaining(cxone.baseUrl() + EmbeddedCxone.OPENID_CONFIGURATION_PATH)
			.withMessageContaining("cxone.discovery.timeout");
		assertThat(output.getAll()).contains("CXone could not be reached at start-up", "cxone.discovery.fail-fast=false");
	}

	@Test
	void whenTheApiEndpointIsNotAUrlThenTheFailureIsADiscoveryErrorNamingTheUrl(CapturedOutput output) {
		cxone.apiEndpoint("https://api na1 .example.invalid/%zz");
		assertThatExceptionOfType(CxoneDiscoveryException.class).isThrownBy(() -> start(App.class, accessKey()))
			.withMessageContaining(cxone.baseUrl() + EmbeddedCxone.CXONE_CONFIGURATION_PATH)
			.withMessageContaining("is not a URL");
		assertThat(output.getAll()).contains("CXone could not be reached at start-up");
	}

	@Test
	void whenTheAccessKeyIsRefusedAtStartupThenTheReportSaysRefusedNotUnreachable(CapturedOutput output) {
		assertThatException().isThrownBy(() -> start(App.class, accessKey("cxone.access-key-secret=wrong")));
		assertThat(output.getAll()).contains("CXone refused the credentials at start-up", "invalid_grant",
				"CXONE_ACCESS_KEY_SECRET")
			.doesNotContain("could not be reached")
			.doesNotContain("fail-fast=false");
	}

	@Test
	void whenTheApplicationCallsCxoneWhileStartingInClientCredentialsModeThenTheReportDoesNotTalkOfDiscovery(
			CapturedOutput output) {
		cxone.enqueueApiFaults(EmbeddedCxone.WHOAMI_PATH, 1, 503, "99999");
		assertThatException().isThrownBy(() -> start(CallingApp.class, "cxone.base-url=" + cxone.baseUrl(),
				"cxone.token-uri=" + cxone.tokenUri(), "cxone.client-id=" + EmbeddedCxone.CLIENT_ID,
				"cxone.client-secret=" + EmbeddedCxone.CLIENT_SECRET));
		assertThat(output.getAll()).contains("A call to CXone failed while the application was starting",
				"application's own start-up code")
			.doesNotContain("cxone.discovery.fail-fast");
	}

	@Test
	void whenTheApplicationsOwnStartupCallFailsInAccessKeyModeThenTheReportDoesNotAdviseSkippingDiscovery() {
		MockEnvironment accessKeyMode = new MockEnvironment().withProperty("cxone.auth-mode", "ACCESS_KEY");
		FailureAnalysis analysis = new CxoneStartupFailureAnalyzer(accessKeyMode).analyze(new IllegalStateException(
				"Failed to execute ApplicationRunner", new CxoneApiException("CXone answered 500", 500, "", null, 1, null)));
		assertThat(analysis.getDescription()).startsWith("A call to CXone failed while the application was starting");
		assertThat(analysis.getAction()).contains("application's own start-up code").doesNotContain("fail-fast=false");
		FailureAnalysis discovery = new CxoneStartupFailureAnalyzer(accessKeyMode)
			.analyze(new CxoneDiscoveryException("https://issuer.invalid", "unreachable", null));
		assertThat(discovery.getAction()).contains("cxone.discovery.fail-fast=false");
	}

	private static void start(Class<?> app, String... properties) {
		new SpringApplicationBuilder(app).web(WebApplicationType.NONE)
			.properties(properties)
			.properties("spring.main.banner-mode=off")
			.run()
			.close();
	}

	@CxoneTestApplication
	static class App {

	}

	@CxoneTestApplication
	static class CallingApp {

		@Bean
		ApplicationRunner callCxone(CxoneWebClient cxone) {
			return (arguments) -> whoami(cxone).block(Duration.ofSeconds(30));
		}

	}

}
