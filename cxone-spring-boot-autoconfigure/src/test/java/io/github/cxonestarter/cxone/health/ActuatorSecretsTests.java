package io.github.cxonestarter.cxone.health;

import java.time.Duration;
import java.util.List;

import io.github.cxonestarter.cxone.CxoneTestApplication;
import io.github.cxonestarter.cxone.CxoneTestContexts;
import io.github.cxonestarter.cxone.test.EmbeddedCxone;
import io.github.cxonestarter.cxone.test.EmbeddedCxoneExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.web.reactive.function.client.WebClient;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The starter's masking of its secrets in Actuator's {@code /env} and
 * {@code /configprops} with {@code show-values=always}: the ways a secret reaches the
 * environment other than under its own key.
 */
@ExtendWith(EmbeddedCxoneExtension.class)
class ActuatorSecretsTests {

	private static final Duration TIMEOUT = Duration.ofSeconds(30);

	private static final String CLIENT = "review-client";

	private static final String SECRET = "review+Client/Secret==c41f";

	@Test
	void whenTheSecretComesInSpringApplicationJsonThenEnvShowsItNowhere(EmbeddedCxone cxone) {
		cxone.registerClient(CLIENT, SECRET);
		// SPRING_APPLICATION_JSON (here as its command-line form) is a common way to hand an
		// application its configuration; /env lists it as one value, the JSON text.
		String json = "{\"cxone\":{\"client-id\":\"" + CLIENT + "\",\"client-secret\":\"" + SECRET + "\"}}";
		try (ConfigurableApplicationContext app = start(cxone, "--spring.application.json=" + json)) {
			assertThat(app.getEnvironment().getProperty("cxone.client-secret")).isEqualTo(SECRET);
			WebClient http = CxoneTestContexts.localClient(baseUrl(app));
			assertThat(body(http, "/actuator/env")).contains(CLIENT).doesNotContain(SECRET);
			assertThat(body(http, "/actuator/env/spring.application.json")).doesNotContain(SECRET);
			assertThat(body(http, "/actuator/configprops")).contains(CLIENT).doesNotContain(SECRET);
		}
	}

	@Test
	void whenTheSecretIsAPlaceholderForAnotherPropertyThenEnvShowsItNowhere(EmbeddedCxone cxone) {
		cxone.registerClient(CLIENT, SECRET);
		// The secret kept under the application's own key (a vault's, a platform's) and
		// handed to the starter by a placeholder: /env resolves placeholders too.
		try (ConfigurableApplicationContext app = start(cxone, "--vault.cxone.secret=" + SECRET,
				"--cxone.client-id=" + CLIENT, "--cxone.client-secret=${vault.cxone.secret}")) {
			assertThat(app.getEnvironment().getProperty("cxone.client-secret")).isEqualTo(SECRET);
			WebClient http = CxoneTestContexts.localClient(baseUrl(app));
			assertThat(body(http, "/actuator/env")).contains(CLIENT).doesNotContain(SECRET);
			assertThat(body(http, "/actuator/env/vault.cxone.secret")).doesNotContain(SECRET);
			assertThat(body(http, "/actuator/configprops")).contains(CLIENT).doesNotContain(SECRET);
		}
	}

	@Test
	void whenAProxyPasswordIsSetThenConfigpropsAndEnvShowItNowhere(EmbeddedCxone cxone) {
		cxone.registerClient(CLIENT, SECRET);
		String password = "proxy+Pass/w0rd==73ab";
		try (ConfigurableApplicationContext app = start(cxone, "--cxone.client-id=" + CLIENT,
				"--cxone.client-secret=" + SECRET, "--cxone.http.proxy.host=proxy.corp.example",
				"--cxone.http.proxy.port=3128", "--cxone.http.proxy.username=corp-user",
				"--vault.proxy.password=" + password, "--cxone.http.proxy.password=${vault.proxy.password}")) {
			assertThat(app.getEnvironment().getProperty("cxone.http.proxy.password")).isEqualTo(password);
			WebClient http = CxoneTestContexts.localClient(baseUrl(app));
			assertThat(body(http, "/actuator/configprops")).contains("proxy.corp.example", "corp-user")
				.doesNotContain(password);
			assertThat(body(http, "/actuator/env")).contains("proxy.corp.example").doesNotContain(password);
			assertThat(body(http, "/actuator/env/vault.proxy.password")).doesNotContain(password);
		}
	}

	@Test
	void whenTenantsHaveSecretsThenConfigpropsAndEnvShowThemNowhereInAnyForm(EmbeddedCxone cxone) {
		String eastSecret = "east+Tenant/Secret==5e1a";
		String westSecret = "west+Access/Key==77c2";
		cxone.registerClient("east-client", eastSecret);
		// One by its property, one as an environment variable's form, one through a placeholder
		// and in SPRING_APPLICATION_JSON.
		String json = "{\"cxone\":{\"tenants\":{\"west\":{\"access-key-secret\":\"${vault.west}\"}}}}";
		try (ConfigurableApplicationContext app = start(cxone, "--cxone.tenants.east.client-id=east-client",
				"--cxone.tenants.east.client-secret=" + eastSecret, "--cxone.tenants.west.client-id=" + CLIENT,
				"--cxone.tenants.west.client-secret=" + SECRET, "--vault.west=" + westSecret,
				"--spring.application.json=" + json)) {
			assertThat(app.getEnvironment().getProperty("cxone.tenants.west.access-key-secret")).isEqualTo(westSecret);
			WebClient http = CxoneTestContexts.localClient(baseUrl(app));
			assertThat(body(http, "/actuator/configprops")).contains("east-client")
				.doesNotContain(eastSecret)
				.doesNotContain(SECRET)
				.doesNotContain(westSecret);
			assertThat(body(http, "/actuator/env")).contains("east-client")
				.doesNotContain(eastSecret)
				.doesNotContain(SECRET)
				.doesNotContain(westSecret);
			assertThat(body(http, "/actuator/env/vault.west")).doesNotContain(westSecret);
		}
	}

	@Test
	void whenTheApplicationShowsItsOwnValuesThenTheyAreStillShown(EmbeddedCxone cxone) {
		cxone.registerClient(CLIENT, SECRET);
		try (ConfigurableApplicationContext app = start(cxone, "--cxone.client-id=" + CLIENT,
				"--cxone.client-secret=" + SECRET, "--app.greeting=hello-review-7d2e",
				"--app.cxone-dashboard.title=review-title-9a1b")) {
			WebClient http = CxoneTestContexts.localClient(baseUrl(app));
			assertThat(body(http, "/actuator/env")).contains("hello-review-7d2e", "review-title-9a1b")
				.doesNotContain(SECRET);
		}
	}

	private static ConfigurableApplicationContext start(EmbeddedCxone cxone, String... args) {
		List<String> defaults = List.of("server.port=0", "server.address=127.0.0.1", "spring.main.banner-mode=off",
				"cxone.base-url=" + cxone.baseUrl(), "cxone.token-uri=" + cxone.tokenUri(),
				"management.endpoints.web.exposure.include=configprops,env",
				"management.endpoint.configprops.show-values=always", "management.endpoint.env.show-values=always");
		return new SpringApplicationBuilder(App.class).web(WebApplicationType.SERVLET)
			.properties(defaults.toArray(String[]::new))
			.run(args);
	}

	private static String baseUrl(ConfigurableApplicationContext app) {
		return "http://127.0.0.1:" + app.getEnvironment().getProperty("local.server.port");
	}

	private static String body(WebClient http, String path) {
		return http.get().uri(path).exchangeToMono((response) -> response.bodyToMono(String.class)).block(TIMEOUT);
	}

	@CxoneTestApplication
	static class App {

	}

}
