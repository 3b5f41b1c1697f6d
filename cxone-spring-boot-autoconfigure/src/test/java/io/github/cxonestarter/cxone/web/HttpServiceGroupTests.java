package io.github.cxonestarter.cxone.web;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import io.github.cxonestarter.cxone.CxoneForeignHostException;
import io.github.cxonestarter.cxone.CxoneRateLimitException;
import io.github.cxonestarter.cxone.CxoneRestClient;
import io.github.cxonestarter.cxone.CxoneTestContexts;
import io.github.cxonestarter.cxone.test.EmbeddedCxone;
import io.github.cxonestarter.cxone.test.EmbeddedCxoneExtension;
import io.github.cxonestarter.cxone.test.RecordedRequest;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import reactor.core.publisher.Mono;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.http.client.autoconfigure.service.HttpServiceClientPropertiesAutoConfiguration;
import org.springframework.boot.restclient.autoconfigure.service.HttpServiceClientAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Configuration;
import org.springframework.web.client.HttpClientErrorException;
import org.springframework.web.service.annotation.GetExchange;
import org.springframework.web.service.annotation.PostExchange;
import org.springframework.web.service.registry.HttpServiceGroup;
import org.springframework.web.service.registry.ImportHttpServices;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * The {@code cxone} HTTP service group: plain {@code @HttpExchange} interfaces, with
 * nothing configured but {@code @ImportHttpServices}, get the base URL, the token, the
 * retries and the typed errors of {@link CxoneRestClient}; other groups keep their own
 * settings and get none of it.
 */
@ExtendWith(EmbeddedCxoneExtension.class)
class HttpServiceGroupTests {

	private static final Duration TIMEOUT = Duration.ofSeconds(30);

	private EmbeddedCxone cxone;

	@BeforeEach
	void useCxone(EmbeddedCxone cxone) {
		this.cxone = cxone;
	}

	private ApplicationContextRunner runner() {
		return CxoneTestContexts.runner(this.cxone)
			.withConfiguration(AutoConfigurations.of(HttpServiceClientPropertiesAutoConfiguration.class,
					HttpServiceClientAutoConfiguration.class))
			.withPropertyValues("cxone.retry.initial-backoff=20ms");
	}

	@Test
	void whenARestClientGroupInterfaceIsCalledThenItReachesTheApiWithTheSharedToken() {
		runner().withUserConfiguration(RestClientGroupConfiguration.class).run((context) -> {
			WhoAmI api = context.getBean(WhoAmI.class);
			assertThat(api.whoami()).containsEntry("name", "Embedded CXone API Key");
			context.getBean(CxoneRestClient.class).get().uri(EmbeddedCxone.WHOAMI_PATH).retrieve().body(String.class);
			assertThat(this.cxone.tokenRequestCount()).isEqualTo(1);
			assertThat(this.cxone.apiRequests()).extracting(RecordedRequest::path)
				.containsExactly(EmbeddedCxone.WHOAMI_PATH, EmbeddedCxone.WHOAMI_PATH);
			assertThat(this.cxone.apiRequests().get(0).header("Authorization")).startsWith("Bearer ");
			assertThat(this.cxone.apiRequests().get(0).header("Accept")).isEqualTo("application/json");
		});
	}

	@Test
	void whenAGroupCallGets429ThenItIsRetriedAndAPostKeepsItsBody() {
		runner().withUserConfiguration(RestClientGroupConfiguration.class).run((context) -> {
			WhoAmI api = context.getBean(WhoAmI.class);
			this.cxone.enqueueApiFaults(EmbeddedCxone.ECHO_PREFIX, 1, 429, "0");
			assertThat(api.echo(Map.of("order", 9))).contains("\"method\":\"POST\"");
			List<RecordedRequest> attempts = this.cxone.apiRequests();
			assertThat(attempts).extracting(RecordedRequest::status).containsExactly(429, 200);
			assertThat(attempts.get(1).body()).isEqualTo(attempts.get(0).body()).contains("\"order\":9");
		});
	}

	@Test
	void whenRetriesRunOutInAGroupCallThenTheErrorIsTyped() {
		runner().withUserConfiguration(RestClientGroupConfiguration.class)
			.withPropertyValues("cxone.retry.max-attempts=2")
			.run((context) -> {
				this.cxone.enqueueApiFaults(2, 429, "0");
				assertThatExceptionOfType(CxoneRateLimitException.class).isThrownBy(context.getBean(WhoAmI.class)::whoami);
				assertThat(this.cxone.apiRequestCount()).isEqualTo(2);
			});
	}

	@Test
	void whenAWebClientGroupInterfaceIsCalledThenItIsConfiguredLikeCxoneWebClient() {
		runner().withUserConfiguration(WebClientGroupConfiguration.class).run((context) -> {
			ReactiveWhoAmI api = context.getBean(ReactiveWhoAmI.class);
			this.cxone.enqueueApiFaults(1, 429, "0");
			assertThat(api.whoami().block(TIMEOUT)).containsEntry("name", "Embedded CXone API Key");
			assertThat(this.cxone.apiRequests()).extracting(RecordedRequest::status).containsExactly(429, 200);
			assertThat(this.cxone.apiRequests()).allSatisfy(
					(request) -> assertThat(request.header("Authorization")).startsWith("Bearer "));
			assertThat(this.cxone.tokenRequestCount()).isEqualTo(1);
		});
	}

	@Test
	void whenAnotherGroupIsDeclaredThenItKeepsItsOwnSettingsAndGetsNoToken() {
		runner().withUserConfiguration(RestClientGroupConfiguration.class, OtherGroupConfiguration.class)
			.withPropertyValues("spring.http.serviceclient.other.base-url=" + this.cxone.baseUrl(),
					"spring.http.serviceclient.other.default-header.X-Caller=other-group")
			.run((context) -> {
				OtherApi other = context.getBean(OtherApi.class);
				assertThatExceptionOfType(HttpClientErrorException.Unauthorized.class).isThrownBy(other::whoami);
				RecordedRequest request = this.cxone.apiRequests().get(0);
				assertThat(request.header("Authorization")).isNull();
				assertThat(request.header("X-Caller")).isEqualTo("other-group");
				assertThat(this.cxone.tokenRequestCount()).isZero();
				// The cxone group, beside it, still gets its own.
				assertThat(context.getBean(WhoAmI.class).whoami()).containsKey("name");
				assertThat(this.cxone.apiRequests().get(1).header("X-Caller")).isNull();
			});
	}

	@Test
	void whenTheCxoneGroupIsGivenAnotherBaseUrlThenTheTokenIsStillNeverSentThere() {
		try (EmbeddedCxone elsewhere = EmbeddedCxone.start()) {
			runner().withUserConfiguration(RestClientGroupConfiguration.class)
				.withPropertyValues("spring.http.serviceclient.cxone.base-url=" + elsewhere.baseUrl())
				.run((context) -> {
					assertThat(context.getBean(WhoAmI.class).whoami()).containsKey("name");
					assertThat(elsewhere.requests()).isEmpty();
					assertThat(this.cxone.apiRequestCount()).isEqualTo(1);
				});
		}
	}

	@Test
	void whenAGroupInterfaceUsesAnAbsoluteUrlToAnotherHostThenItIsRefused() {
		try (EmbeddedCxone elsewhere = EmbeddedCxone.start()) {
			runner().withUserConfiguration(RestClientGroupConfiguration.class).run((context) -> {
				assertThatExceptionOfType(CxoneForeignHostException.class)
					.isThrownBy(() -> context.getBean(WhoAmI.class).at(java.net.URI.create(elsewhere.baseUrl())));
				assertThat(elsewhere.requests()).isEmpty();
			});
		}
	}

	interface WhoAmI {

		@GetExchange(EmbeddedCxone.WHOAMI_PATH)
		Map<String, Object> whoami();

		@GetExchange(EmbeddedCxone.WHOAMI_PATH)
		Map<String, Object> at(java.net.URI base);

		@PostExchange(EmbeddedCxone.ECHO_PREFIX)
		String echo(@org.springframework.web.bind.annotation.RequestBody Map<String, Object> body);

	}

	interface ReactiveWhoAmI {

		@GetExchange(EmbeddedCxone.WHOAMI_PATH)
		Mono<Map<String, Object>> whoami();

	}

	interface OtherApi {

		@GetExchange(EmbeddedCxone.WHOAMI_PATH)
		String whoami();

	}

	@Configuration(proxyBeanMethods = false)
	@ImportHttpServices(group = "cxone", types = WhoAmI.class)
	static class RestClientGroupConfiguration {

	}

	@Configuration(proxyBeanMethods = false)
	@ImportHttpServices(group = "cxone", types = ReactiveWhoAmI.class, clientType = HttpServiceGroup.ClientType.WEB_CLIENT)
	static class WebClientGroupConfiguration {

	}

	@Configuration(proxyBeanMethods = false)
	@ImportHttpServices(group = "other", types = OtherApi.class)
	static class OtherGroupConfiguration {

	}

}
