package io.github.cxonestarter.cxone.web;

import io.github.cxonestarter.cxone.CxoneRestClient;
import io.github.cxonestarter.cxone.CxoneTestContexts;
import io.github.cxonestarter.cxone.autoconfigure.CxoneAutoConfiguration;
import io.github.cxonestarter.cxone.test.EmbeddedCxone;
import io.github.cxonestarter.cxone.test.EmbeddedCxoneExtension;
import io.github.cxonestarter.cxone.test.RecordedRequest;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.http.client.autoconfigure.service.HttpServiceClientPropertiesAutoConfiguration;
import org.springframework.boot.restclient.autoconfigure.service.HttpServiceClientAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.security.oauth2.client.OAuth2AuthorizeRequest;
import org.springframework.security.oauth2.client.OAuth2AuthorizedClientManager;
import org.springframework.security.oauth2.client.annotation.ClientRegistrationId;
import org.springframework.security.oauth2.client.web.client.OAuth2ClientHttpRequestInterceptor;
import org.springframework.security.oauth2.client.web.client.support.OAuth2RestClientHttpServiceGroupConfigurer;
import org.springframework.web.client.RestClient;
import org.springframework.web.service.annotation.GetExchange;
import org.springframework.web.service.registry.ImportHttpServices;

import static io.github.cxonestarter.cxone.CxoneTestContexts.whoami;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.springframework.security.oauth2.client.web.client.RequestAttributeClientRegistrationIdResolver.clientRegistrationId;

/**
 * Spring Security's own blocking pieces, handed the starter's blocking
 * {@link OAuth2AuthorizedClientManager}, get the starter's token: one token request for
 * them and {@link CxoneRestClient} together.
 */
@ExtendWith(EmbeddedCxoneExtension.class)
class BlockingInteropTests {

	private static final String MANAGER = "cxoneBlockingAuthorizedClientManager";

	private EmbeddedCxone cxone;

	@BeforeEach
	void useCxone(EmbeddedCxone cxone) {
		this.cxone = cxone;
	}

	private ApplicationContextRunner runner() {
		return CxoneTestContexts.runner(this.cxone)
			.withConfiguration(AutoConfigurations.of(HttpServiceClientPropertiesAutoConfiguration.class,
					HttpServiceClientAutoConfiguration.class))
			.withPropertyValues("spring.http.serviceclient.secured.base-url=" + this.cxone.baseUrl());
	}

	@Test
	void whenSpringSecuritysInterceptorUsesTheStartersManagerThenItSendsTheStartersTokenWithoutASecondRequest() {
		runner().withUserConfiguration(SecurityInterceptorConfiguration.class).run((context) -> {
			RestClient secured = context.getBean("securedRestClient", RestClient.class);
			whoami(context.getBean(CxoneRestClient.class));
			secured.get().uri(EmbeddedCxone.WHOAMI_PATH).attributes(clientRegistrationId("cxone")).retrieve()
				.body(String.class);
			assertThat(this.cxone.tokenRequestCount()).isEqualTo(1);
			assertThat(this.cxone.apiRequests()).hasSize(2).extracting(RecordedRequest::status).containsOnly(200);
			assertThat(this.cxone.apiRequests().get(1).header("Authorization"))
				.isEqualTo(this.cxone.apiRequests().get(0).header("Authorization"));
		});
	}

	@Test
	void whenSpringSecuritysGroupConfigurerUsesTheStartersManagerThenAClientRegistrationIdInterfaceGetsTheToken() {
		runner().withUserConfiguration(SecurityGroupConfiguration.class).run((context) -> {
			context.getBean(SecuredApi.class).whoami();
			whoami(context.getBean(CxoneRestClient.class));
			assertThat(this.cxone.tokenRequestCount()).isEqualTo(1);
			assertThat(this.cxone.apiRequests()).hasSize(2).extracting(RecordedRequest::status).containsOnly(200);
			assertThat(this.cxone.apiRequests().get(0).header("Authorization"))
				.isEqualTo(this.cxone.apiRequests().get(1).header("Authorization"));
		});
	}

	@Test
	void whenAnotherRegistrationIsAskedForThenTheManagerRefusesNamingTheOneItServes() {
		runner().run((context) -> {
			OAuth2AuthorizedClientManager manager = context.getBean(MANAGER, OAuth2AuthorizedClientManager.class);
			assertThatIllegalArgumentException()
				.isThrownBy(() -> manager.authorize(
						OAuth2AuthorizeRequest.withClientRegistrationId("github").principal("someone").build()))
				.withMessageContaining("only authorizes the client registration 'cxone', not 'github'");
			assertThat(this.cxone.tokenRequestCount()).isZero();
		});
	}

	@Test
	void whenTheApplicationAsksForAnOAuth2AuthorizedClientManagerByTypeThenItIsNotGivenTheStartersOne() {
		runner().withUserConfiguration(ByTypeConfiguration.class).run((context) -> {
			assertThat(context.getBean(ByType.class).manager()).isNull();
			assertThat(context.getBean(MANAGER)).isNotNull();
			assertThat(context.getBean(MANAGER).toString()).doesNotContain(EmbeddedCxone.CLIENT_SECRET);
		});
	}

	interface SecuredApi {

		@ClientRegistrationId(CxoneAutoConfiguration.REGISTRATION_ID)
		@GetExchange(EmbeddedCxone.WHOAMI_PATH)
		String whoami();

	}

	@Configuration(proxyBeanMethods = false)
	static class SecurityInterceptorConfiguration {

		@Bean
		RestClient securedRestClient(@Qualifier(MANAGER) OAuth2AuthorizedClientManager manager, EmbeddedCxoneUrl url) {
			return RestClient.builder()
				.baseUrl(url.value())
				.requestInterceptor(new OAuth2ClientHttpRequestInterceptor(manager))
				.build();
		}

		@Bean
		EmbeddedCxoneUrl embeddedCxoneUrl(org.springframework.core.env.Environment environment) {
			return new EmbeddedCxoneUrl(environment.getProperty("cxone.base-url"));
		}

	}

	record EmbeddedCxoneUrl(String value) {

	}

	@Configuration(proxyBeanMethods = false)
	@ImportHttpServices(group = "secured", types = SecuredApi.class)
	static class SecurityGroupConfiguration {

		@Bean
		OAuth2RestClientHttpServiceGroupConfigurer securedGroupConfigurer(
				@Qualifier(MANAGER) OAuth2AuthorizedClientManager manager) {
			return OAuth2RestClientHttpServiceGroupConfigurer.from(manager);
		}

	}

	record ByType(OAuth2AuthorizedClientManager manager) {

	}

	@Configuration(proxyBeanMethods = false)
	static class ByTypeConfiguration {

		@Bean
		ByType byType(ObjectProvider<OAuth2AuthorizedClientManager> managers) {
			return new ByType(managers.getIfAvailable());
		}

	}

}
