package io.github.cxonestarter.cxone;

import java.time.Duration;
import java.util.List;

import io.github.cxonestarter.cxone.autoconfigure.CxoneAutoConfiguration;
import io.github.cxonestarter.cxone.test.EmbeddedCxone;
import io.github.cxonestarter.cxone.test.RecordedRequest;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.security.oauth2.client.autoconfigure.reactive.ReactiveOAuth2ClientAutoConfiguration;
import org.springframework.boot.test.context.runner.ReactiveWebApplicationContextRunner;
import org.springframework.boot.webclient.autoconfigure.WebClientAutoConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.MediaType;
import org.springframework.security.oauth2.client.AuthorizedClientServiceReactiveOAuth2AuthorizedClientManager;
import org.springframework.security.oauth2.client.OAuth2AuthorizeRequest;
import org.springframework.security.oauth2.client.OAuth2AuthorizedClient;
import org.springframework.security.oauth2.client.ReactiveOAuth2AuthorizedClientService;
import org.springframework.security.oauth2.client.registration.ReactiveClientRegistrationRepository;
import org.springframework.web.reactive.function.client.WebClient;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * An application with its own {@link WebClient} bean and its own OAuth2 client registration
 * keeps both, and both work, next to {@link CxoneWebClient}; the clients it builds from Boot's
 * {@link WebClient.Builder}, or from a builder of its own that the starter uses too, get
 * nothing of CXone's.
 */
class OwnBeansCoexistTests {

	private static final Duration TIMEOUT = Duration.ofSeconds(30);

	@Test
	void whenTheAppHasItsOwnWebClientAndRegistrationThenBothKeepWorkingNextToTheStarter() {
		try (EmbeddedCxone cxone = EmbeddedCxone.start()) {
			String registration = "spring.security.oauth2.client.registration.other.";
			new ReactiveWebApplicationContextRunner()
				.withConfiguration(AutoConfigurations.of(WebClientAutoConfiguration.class,
						ReactiveOAuth2ClientAutoConfiguration.class, CxoneAutoConfiguration.class))
				.withUserConfiguration(OwnWebClientConfiguration.class)
				.withPropertyValues("cxone.base-url=" + cxone.baseUrl(), "cxone.token-uri=" + cxone.tokenUri(),
						"cxone.client-id=" + EmbeddedCxone.CLIENT_ID, "cxone.client-secret=" + EmbeddedCxone.CLIENT_SECRET,
						registration + "client-id=" + AuthorizationServer.CLIENT_ID,
						registration + "client-secret=" + AuthorizationServer.CLIENT_SECRET,
						registration + "authorization-grant-type=client_credentials", registration + "scope=reporting",
						"spring.security.oauth2.client.provider.other.token-uri=" + AuthorizationServer.tokenUri())
				.run((context) -> {
					assertThat(context).hasNotFailed();
					// Injection by type still finds exactly the application's beans.
					WebClient own = context.getBean(WebClient.class);
					assertThat(own).isSameAs(context.getBean("ownWebClient"));
					ReactiveClientRegistrationRepository registrations = context
						.getBean(ReactiveClientRegistrationRepository.class);
					assertThat(registrations.findByRegistrationId("other").block(TIMEOUT)).isNotNull();
					assertThat(registrations.findByRegistrationId("cxone").blockOptional(TIMEOUT)).isEmpty();
					ReactiveOAuth2AuthorizedClientService service = context.getBean(ReactiveOAuth2AuthorizedClientService.class);
					// The application's own registration gets its own token.
					var manager = new AuthorizedClientServiceReactiveOAuth2AuthorizedClientManager(registrations, service);
					OAuth2AuthorizedClient other = manager
						.authorize(OAuth2AuthorizeRequest.withClientRegistrationId("other").principal("app").build())
						.block(TIMEOUT);
					assertThat(other.getAccessToken().getScopes()).containsExactly("reporting");
					// The application's WebClient, and one it builds from Boot's builder now that the
					// starter has built its own, carry no CXone token and no CXone filter.
					assertSentAsItIs(own, cxone);
					assertSentAsItIs(context.getBean(WebClient.Builder.class).build(), cxone);
					// And CxoneWebClient works.
					assertThat(CxoneTestContexts.whoami(context.getBean(CxoneWebClient.class)).block(TIMEOUT))
						.contains("Embedded CXone API Key");
				});
		}
	}

	@Test
	void whenTheAppSharesOneWebClientBuilderThenClientsItBuildsCarryNoCxoneFilter() {
		try (EmbeddedCxone cxone = EmbeddedCxone.start()) {
			CxoneTestContexts.runner(cxone).withUserConfiguration(SharedBuilderConfiguration.class).run((context) -> {
				assertThat(context).hasNotFailed();
				WebClient.Builder shared = context.getBean(WebClient.Builder.class);
				assertThat(shared).isSameAs(context.getBean(SharedBuilderConfiguration.class).builder);
				// Built after the starter built CxoneWebClient from the same builder, as a service
				// that creates its client when first used does.
				assertSentAsItIs(shared.build(), cxone);
				assertThat(CxoneTestContexts.whoami(context.getBean(CxoneWebClient.class)).block(TIMEOUT))
					.contains("Embedded CXone API Key");
			});
		}
	}

	/**
	 * Send a GET that CXone answers 503 through the application's client, with a token of
	 * the application's own, and check that it went out once, as it was: the application's
	 * token, not CXone's, and no CXone retry.
	 */
	private static void assertSentAsItIs(WebClient client, EmbeddedCxone cxone) {
		String own = "the-applications-own-token";
		// The embedded CXone checks the token before it answers a fault, so it must accept this one.
		cxone.acceptForeignTokens(own::equals);
		int before = cxone.apiRequests().size();
		cxone.enqueueApiFaults(EmbeddedCxone.WHOAMI_PATH, 1, 503, null);
		HttpStatusCode status = client.get()
			.uri(cxone.baseUrl() + EmbeddedCxone.WHOAMI_PATH)
			.headers((headers) -> headers.setBearerAuth(own))
			.exchangeToMono((response) -> response.releaseBody().thenReturn(response.statusCode()))
			.block(TIMEOUT);
		assertThat(status.value()).isEqualTo(503);
		List<RecordedRequest> requests = cxone.apiRequests();
		assertThat(requests.subList(before, requests.size())).singleElement().satisfies((request) -> {
			assertThat(request.status()).isEqualTo(503);
			assertThat(request.header("Authorization")).isEqualTo("Bearer " + own);
			assertThat(request.header("Accept")).isNotEqualTo(MediaType.APPLICATION_JSON_VALUE);
		});
	}

	@Configuration(proxyBeanMethods = false)
	static class OwnWebClientConfiguration {

		@Bean
		WebClient ownWebClient(WebClient.Builder builder) {
			return builder.build();
		}

	}

	/**
	 * One builder for all of the application's clients: a singleton, where Boot's is a new
	 * builder for each injection point.
	 */
	@Configuration(proxyBeanMethods = false)
	static class SharedBuilderConfiguration {

		final WebClient.Builder builder = WebClient.builder();

		@Bean
		WebClient.Builder sharedWebClientBuilder() {
			return this.builder;
		}

	}

}
