package io.github.cxonestarter.sample;

import java.time.Duration;
import java.util.Map;

import io.github.cxonestarter.cxone.CxoneClients;
import io.github.cxonestarter.cxone.test.EmbeddedCxone;
import org.assertj.core.api.InstanceOfAssertFactories;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.ParameterizedTypeReference;
import org.springframework.http.HttpStatus;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The sample application with two tenants under {@code cxone.tenants.*}, each on an
 * embedded CXone of its own: {@code /tenants/{name}/whoami} answers through
 * {@link CxoneClients}, and the sample's own embedded CXone is not started.
 */
@ExtendWith(OutputCaptureExtension.class)
class TenantsSampleTests {

	private static final Duration TIMEOUT = Duration.ofSeconds(30);

	private static EmbeddedCxone east;

	private static EmbeddedCxone west;

	private static ConfigurableApplicationContext context;

	private static int port;

	@BeforeAll
	static void start() {
		east = EmbeddedCxone.start();
		west = EmbeddedCxone.start();
		// As an operator sets them, before the application starts: the sample's fallback sees them.
		context = new SpringApplicationBuilder(SampleApplication.class)
			.properties("server.port=0", "cxone.client-id=" + EmbeddedCxone.CLIENT_ID,
					"cxone.client-secret=" + EmbeddedCxone.CLIENT_SECRET, "cxone.tenants.east.base-url=" + east.baseUrl(),
					"cxone.tenants.east.token-uri=" + east.tokenUri(), "cxone.tenants.west.base-url=" + west.baseUrl(),
					"cxone.tenants.west.token-uri=" + west.tokenUri())
			.run();
		port = context.getEnvironment().getRequiredProperty("local.server.port", Integer.class);
	}

	@AfterAll
	static void stop() {
		context.close();
		east.close();
		west.close();
	}

	@Test
	void whenTenantsAreConfiguredThenEachAnswersWhoamiWithItsOwnToken(CapturedOutput output) {
		for (int i = 0; i < 3; i++) {
			assertThat(get("/tenants/east/whoami")).containsEntry("name", "Embedded CXone API Key");
			assertThat(get("/tenants/west/whoami")).containsEntry("name", "Embedded CXone API Key");
		}
		assertThat(east.tokenRequestCount()).isEqualTo(1);
		assertThat(west.tokenRequestCount()).isEqualTo(1);
		assertThat(east.apiRequestCount()).isGreaterThanOrEqualTo(3);
		assertThat(output.getAll()).doesNotContain("started an embedded CXone");
		assertThat(context.getBeanNamesForType(CxoneController.class)).isEmpty();
	}

	@Test
	void whenTheTenantIsUnknownThenTheAnswerIs404NamingTheKnownTenants() {
		SampleClient.forPort(port)
			.get()
			.uri("/tenants/nobody/whoami")
			.exchangeToMono((response) -> {
				assertThat(response.statusCode()).isEqualTo(HttpStatus.NOT_FOUND);
				return response.bodyToMono(String.class);
			})
			.doOnNext((body) -> assertThat(body).contains("No CXone tenant is named 'nobody'")
				.contains("Known tenants: east, west"))
			.block(TIMEOUT);
	}

	@Test
	void healthHasOneComponentPerTenant() {
		Map<String, Object> health = get("/actuator/health/cxone");
		assertThat(health).containsEntry("status", "UP");
		assertThat(health).extractingByKey("components").asInstanceOf(InstanceOfAssertFactories.MAP)
			.containsOnlyKeys("east", "west");
	}

	private Map<String, Object> get(String path) {
		return SampleClient.forPort(port)
			.get()
			.uri(path)
			.retrieve()
			.bodyToMono(new ParameterizedTypeReference<Map<String, Object>>() {
			})
			.block(TIMEOUT);
	}

}
