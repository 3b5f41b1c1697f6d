package io.github.cxonestarter.cxone;

import java.time.Duration;

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
import org.springframework.security.oauth2.client.AuthorizedClientServiceReactiveOAuth2AuthorizedClientManager;
import org.springframework.security.oauth2.client.OAuth2AuthorizeRequest;
import org.springframework.security.oauth2.client.OAuth2AuthorizedClient;
import org.springframework.security.oauth2.client.ReactiveOAuth2AuthorizedClientService;
import org.springframework.security.oauth2.client.registration.ReactiveClientRegistrationRepository;
import org.springframework.web.reactive.function.client.WebClient;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * An application with its own {@link WebClient} bean and its own OAuth2 client registration
 * keeps both, and both work, next to {@link CxoneWebClient}.
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
					assertThat(own).isSameAs(context.getBean(OwnWebClientConfiguration.class).webClient);
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
					// The application's WebClient carries no CXone token.
					own.get().uri(cxone.baseUrl() + EmbeddedCxone.WHOAMI_PATH).retrieve().toBodilessEntity()
						.onErrorResume((ex) -> reactor.core.publisher.Mono.empty()).block(TIMEOUT);
					RecordedRequest ownRequest = cxone.apiRequests().get(0);
					assertThat(ownRequest.header("Authorization")).isNull();
					// And CxoneWebClient works.
					assertThat(CxoneTestContexts.whoami(context.getBean(CxoneWebClient.class)).block(TIMEOUT))
						.contains("Embedded CXone API Key");
				});
		}
	}

	@Configuration(proxyBeanMethods = false)
	static class OwnWebClientConfiguration {

		final WebClient webClient = WebClient.create();

		@Bean
		WebClient ownWebClient() {
			return this.webClient;
		}

	}

}
