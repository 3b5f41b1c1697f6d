package io.github.cxonestarter.cxone.autoconfigure;

import java.net.URI;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicReference;

import io.github.cxonestarter.cxone.CxoneTestContexts;
import io.github.cxonestarter.cxone.CxoneWebClient;
import io.github.cxonestarter.cxone.CxoneWebClientCustomizer;
import io.github.cxonestarter.cxone.http.CxoneHttpSettings;
import io.github.cxonestarter.cxone.test.EmbeddedCxone;
import io.github.cxonestarter.cxone.token.CxoneTokenManager;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.context.runner.ReactiveWebApplicationContextRunner;
import org.springframework.boot.test.context.runner.WebApplicationContextRunner;
import org.springframework.boot.webclient.autoconfigure.WebClientAutoConfiguration;
import org.springframework.context.ApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.StandardEnvironment;
import org.springframework.core.env.SystemEnvironmentPropertySource;
import org.springframework.security.authentication.TestingAuthenticationToken;
import org.springframework.security.oauth2.client.InMemoryReactiveOAuth2AuthorizedClientService;
import org.springframework.security.oauth2.client.OAuth2AuthorizedClient;
import org.springframework.security.oauth2.client.ReactiveOAuth2AuthorizedClientService;
import org.springframework.security.oauth2.client.registration.ClientRegistration;
import org.springframework.security.oauth2.client.registration.ReactiveClientRegistrationRepository;
import org.springframework.security.oauth2.core.ClientAuthenticationMethod;
import org.springframework.security.oauth2.core.OAuth2AccessToken;
import org.springframework.web.reactive.function.client.WebClient;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Tests for {@link CxoneAutoConfiguration}.
 */
class CxoneAutoConfigurationTests {

	private static final String SECRET = "canary-secret-7f3a";

	private static final Duration TIMEOUT = Duration.ofSeconds(30);

	private final ApplicationContextRunner contextRunner = CxoneTestContexts.runner();

	private final String[] credentials = { "cxone.subdomain=acme", "cxone.client-id=my-client",
			"cxone.client-secret=" + SECRET };

	@Test
	void whenSubdomainAndCredentialsAreSetThenDefaultsApply() {
		this.contextRunner.withPropertyValues(this.credentials).run((context) -> {
			assertThat(context).hasSingleBean(CxoneWebClient.class).hasSingleBean(CxoneTokenManager.class);
			CxoneEndpoints endpoints = context.getBean(CxoneEndpoints.class);
			assertThat(endpoints.baseUrl()).isEqualTo(URI.create("https://acme.api.nice.incontact.com"));
			assertThat(endpoints.tokenUri()).isEqualTo(URI.create("https://acme.api.nice.incontact.com/oauth2/token"));
			ClientRegistration registration = registration(context.getBean("cxoneClientRegistrationRepository",
					ReactiveClientRegistrationRepository.class));
			assertThat(registration.getAuthorizationGrantType().getValue()).isEqualTo("client_credentials");
			assertThat(registration.getScopes()).containsExactly("default");
			assertThat(registration.getClientAuthenticationMethod())
				.isEqualTo(ClientAuthenticationMethod.CLIENT_SECRET_BASIC);
			CxoneProperties properties = context.getBean(CxoneProperties.class);
			assertThat(properties.getToken().getRefreshSkew()).hasSeconds(30);
			assertThat(properties.getToken().getDefaultLifetime()).hasSeconds(3600);
			assertThat(properties.getHttp().getConnectTimeout()).hasSeconds(5);
			assertThat(properties.getHttp().getResponseTimeout()).hasSeconds(30);
		});
	}

	@Test
	void whenPropertiesAreSetThenTheyBind() {
		this.contextRunner
			.withPropertyValues(this.credentials)
			.withPropertyValues("cxone.scopes=default,reporting", "cxone.client-authentication-method=client-secret-post",
					"cxone.base-url=https://api-na1.niceincontact.com", "cxone.token-uri=https://cxone.niceincontact.com/auth/token",
					"cxone.token.refresh-skew=45s", "cxone.token.default-lifetime=20m", "cxone.http.connect-timeout=2s",
					"cxone.http.response-timeout=10s")
			.run((context) -> {
				CxoneEndpoints endpoints = context.getBean(CxoneEndpoints.class);
				assertThat(endpoints.baseUrl()).isEqualTo(URI.create("https://api-na1.niceincontact.com"));
				assertThat(endpoints.tokenUri()).isEqualTo(URI.create("https://cxone.niceincontact.com/auth/token"));
				ClientRegistration registration = registration(context.getBean("cxoneClientRegistrationRepository",
						ReactiveClientRegistrationRepository.class));
				assertThat(registration.getScopes()).containsExactly("default", "reporting");
				assertThat(registration.getClientAuthenticationMethod())
					.isEqualTo(ClientAuthenticationMethod.CLIENT_SECRET_POST);
				CxoneProperties properties = context.getBean(CxoneProperties.class);
				assertThat(properties.getToken().getRefreshSkew()).hasSeconds(45);
				assertThat(properties.getToken().getDefaultLifetime()).hasMinutes(20);
				assertThat(properties.getHttp().getConnectTimeout()).hasSeconds(2);
				assertThat(properties.getHttp().getResponseTimeout()).hasSeconds(10);
			});
	}

	@Test
	void whenEnvironmentVariablesAreSetThenTheyBindThroughRelaxedBinding() {
		Map<String, Object> environment = new LinkedHashMap<>();
		environment.put("CXONE_SUBDOMAIN", "Acme-Prod");
		environment.put("CXONE_CLIENT_ID", "env-client");
		environment.put("CXONE_CLIENT_SECRET", SECRET);
		environment.put("CXONE_BASE_URL", "https://api-eu1.niceincontact.com");
		environment.put("CXONE_TOKEN_URI", "https://eu1.example.niceincontact.com/oauth2/token");
		this.contextRunner.withInitializer((context) -> context.getEnvironment()
			.getPropertySources()
			.replace(StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME, new SystemEnvironmentPropertySource(
					StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME, environment)))
			.run((context) -> {
				CxoneProperties properties = context.getBean(CxoneProperties.class);
				assertThat(properties.getSubdomain()).isEqualTo("Acme-Prod");
				assertThat(properties.getClientId()).isEqualTo("env-client");
				assertThat(properties.getClientSecret()).isEqualTo(SECRET);
				CxoneEndpoints endpoints = context.getBean(CxoneEndpoints.class);
				assertThat(endpoints.baseUrl()).isEqualTo(URI.create("https://api-eu1.niceincontact.com"));
				assertThat(endpoints.tokenUri())
					.isEqualTo(URI.create("https://eu1.example.niceincontact.com/oauth2/token"));
			});
	}

	@Test
	void whenDisabledThenNothingIsConfigured() {
		this.contextRunner.withPropertyValues(this.credentials)
			.withPropertyValues("cxone.enabled=false")
			.run((context) -> assertThat(context).hasNotFailed()
				.doesNotHaveBean(CxoneWebClient.class)
				.doesNotHaveBean(CxoneTokenManager.class)
				.doesNotHaveBean(CxoneEndpoints.class));
	}

	@Test
	void whenWebClientIsNotOnTheClasspathThenNothingIsConfigured() {
		this.contextRunner.withPropertyValues(this.credentials)
			.withClassLoader(new FilteredClassLoader(WebClient.class))
			.run((context) -> assertThat(context).hasNotFailed().doesNotHaveBean(CxoneWebClient.class));
	}

	@Test
	void whenUserDefinesCxoneWebClientThenTheStarterBacksOff() {
		this.contextRunner.withPropertyValues(this.credentials)
			.withUserConfiguration(UserCxoneWebClientConfiguration.class)
			.run((context) -> assertThat(context).getBean(CxoneWebClient.class)
				.isSameAs(context.getBean(UserCxoneWebClientConfiguration.class).client));
	}

	@Test
	void whenUserDefinesTheTokenStoreThenItReplacesTheInMemoryOne() {
		this.contextRunner.withPropertyValues(this.credentials)
			.withUserConfiguration(UserTokenStoreConfiguration.class)
			.run((context) -> assertThat(context.getBean("cxoneAuthorizedClientService"))
				.isSameAs(UserTokenStoreConfiguration.store));
	}

	@Test
	void whenUserDefinesTheTokenStoreThenTheTokenTheApiReceivedIsSavedThere() {
		try (EmbeddedCxone cxone = EmbeddedCxone.start()) {
			CxoneTestContexts.runner(cxone).withUserConfiguration(UserTokenStoreConfiguration.class).run((context) -> {
				ReactiveOAuth2AuthorizedClientService store = userStore(context);
				assertThat(store.loadAuthorizedClient(CxoneAutoConfiguration.REGISTRATION_ID, CxoneAutoConfiguration.PRINCIPAL)
					.blockOptional(TIMEOUT)).isEmpty();
				assertThat(CxoneTestContexts.whoami(context.getBean(CxoneWebClient.class)).block(TIMEOUT))
					.contains("Embedded CXone API Key");
				OAuth2AuthorizedClient saved = store
					.<OAuth2AuthorizedClient>loadAuthorizedClient(CxoneAutoConfiguration.REGISTRATION_ID,
							CxoneAutoConfiguration.PRINCIPAL)
					.block(TIMEOUT);
				assertThat(saved).as("the token in the application's store").isNotNull();
				assertThat(cxone.apiRequests()).singleElement()
					.satisfies((request) -> assertThat(request.header("Authorization"))
						.isEqualTo("Bearer " + saved.getAccessToken().getTokenValue()));
			});
		}
	}

	@Test
	void whenTheUserTokenStoreAlreadyHoldsAValidTokenThenItIsUsedWithoutATokenRequest() {
		try (EmbeddedCxone cxone = EmbeddedCxone.start()) {
			// A token CXone issued to another instance of the application, which shares the store.
			AtomicReference<OAuth2AccessToken> issued = new AtomicReference<>();
			CxoneTestContexts.runner(cxone)
				.run((context) -> issued.set(context.getBean(CxoneTokenManager.class).getAccessToken().block(TIMEOUT)));
			cxone.reset();
			CxoneTestContexts.runner(cxone).withUserConfiguration(UserTokenStoreConfiguration.class).run((context) -> {
				ClientRegistration registration = registration(context.getBean("cxoneClientRegistrationRepository",
						ReactiveClientRegistrationRepository.class));
				userStore(context)
					.saveAuthorizedClient(
							new OAuth2AuthorizedClient(registration, CxoneAutoConfiguration.PRINCIPAL, issued.get()),
							new TestingAuthenticationToken(CxoneAutoConfiguration.PRINCIPAL, null))
					.block(TIMEOUT);
				assertThat(CxoneTestContexts.whoami(context.getBean(CxoneWebClient.class)).block(TIMEOUT))
					.contains("Embedded CXone API Key");
				assertThat(cxone.tokenRequestCount()).isZero();
				assertThat(cxone.apiRequests()).singleElement()
					.satisfies((request) -> assertThat(request.header("Authorization"))
						.isEqualTo("Bearer " + issued.get().getTokenValue()));
			});
		}
	}

	@Test
	void whenCustomizersAreDefinedThenTheyAreApplied() {
		this.contextRunner.withPropertyValues(this.credentials)
			.withUserConfiguration(CustomizerConfiguration.class)
			.run((context) -> assertThat(context.getBean(CustomizerConfiguration.class).applied).isTrue());
	}

	@Test
	void whenTheApplicationIsServletBasedThenTheClientIsConfigured() {
		new WebApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(WebClientAutoConfiguration.class, CxoneAutoConfiguration.class))
			.withPropertyValues(this.credentials)
			.run((context) -> assertThat(context).hasSingleBean(CxoneWebClient.class));
	}

	@Test
	void whenTheApplicationIsReactiveThenTheClientIsConfigured() {
		new ReactiveWebApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(WebClientAutoConfiguration.class, CxoneAutoConfiguration.class))
			.withPropertyValues(this.credentials)
			.run((context) -> assertThat(context).hasSingleBean(CxoneWebClient.class));
	}

	@Test
	void whenRequiredValuesAreMissingThenStartupFailsNamingTheEnvironmentVariables() {
		this.contextRunner.run((context) -> {
			assertThat(context).hasFailed();
			FailureAnalysis analysis = analyze(context.getStartupFailure());
			assertThat(analysis.getDescription()).contains(
					"Missing environment variables: CXONE_SUBDOMAIN, CXONE_CLIENT_ID, CXONE_CLIENT_SECRET",
					"cxone.subdomain, cxone.client-id, cxone.client-secret");
			assertThat(analysis.getAction()).contains("Settings > Integrations > API Keys");
		});
	}

	@Test
	void whenBothUrlsAreSetThenTheSubdomainIsNotRequired() {
		this.contextRunner
			.withPropertyValues("cxone.client-id=id", "cxone.client-secret=" + SECRET,
					"cxone.base-url=https://api-na1.niceincontact.com",
					"cxone.token-uri=https://cxone.niceincontact.com/auth/token")
			.run((context) -> assertThat(context).hasNotFailed().hasSingleBean(CxoneWebClient.class));
	}

	@ParameterizedTest
	@ValueSource(strings = { "evil.com#", "a/b", "x@y", "a.b", "my tenant", "-acme", "acme?x=1" })
	void whenSubdomainIsNotADnsLabelThenStartupFails(String subdomain) {
		this.contextRunner.withPropertyValues("cxone.subdomain=" + subdomain, "cxone.client-id=id",
				"cxone.client-secret=" + SECRET)
			.run((context) -> {
				FailureAnalysis analysis = analyze(context.getStartupFailure());
				assertThat(analysis.getDescription()).contains("cxone.subdomain (CXONE_SUBDOMAIN)", "not a DNS label")
					.doesNotContain(SECRET);
			});
	}

	@ParameterizedTest
	@ValueSource(strings = { "http://acme.api.nice.incontact.com", "http://localhost.evil.com:8080",
			"https://user:pw@evil.com", "https://acme.api.nice.incontact.com@evil.com", "ftp://acme.example",
			"https://acme.api.nice.incontact.com#x", "not a url", "/relative/path", "http://10.0.0.1" })
	void whenAUrlCouldSendCredentialsElsewhereThenStartupFails(String url) {
		this.contextRunner.withPropertyValues(this.credentials)
			.withPropertyValues("cxone.token-uri=" + url)
			.run((context) -> {
				FailureAnalysis analysis = analyze(context.getStartupFailure());
				assertThat(analysis.getDescription()).contains("cxone.token-uri (CXONE_TOKEN_URI)").doesNotContain(SECRET);
			});
		this.contextRunner.withPropertyValues(this.credentials)
			.withPropertyValues("cxone.base-url=" + url)
			.run((context) -> assertThat(analyze(context.getStartupFailure()).getDescription())
				.contains("cxone.base-url (CXONE_BASE_URL)"));
	}

	@ParameterizedTest
	@ValueSource(strings = { "http://localhost:8080", "http://127.0.0.1:9000/cxone", "http://127.10.20.30",
			"http://[::1]:8443", "https://acme.api.nice.incontact.com/" })
	void whenAUrlIsHttpsOrLoopbackThenItIsAccepted(String url) {
		this.contextRunner.withPropertyValues(this.credentials)
			.withPropertyValues("cxone.base-url=" + url)
			.run((context) -> assertThat(context).hasNotFailed());
	}

	@ParameterizedTest
	@ValueSource(strings = { "cxone.token.refresh-skew=0s", "cxone.token.default-lifetime=-5s",
			"cxone.http.connect-timeout=0ms", "cxone.http.response-timeout=-1s", "cxone.token.initial-backoff=0s",
			"cxone.token.timeout=0s", "cxone.token.refusal-backoff=0s" })
	void whenADurationIsNotPositiveThenStartupFails(String property) {
		String name = property.substring(0, property.indexOf('='));
		this.contextRunner.withPropertyValues(this.credentials)
			.withPropertyValues(property)
			.run((context) -> assertThat(analyze(context.getStartupFailure()).getDescription()).contains(name,
					CxonePropertiesValidator.environmentVariable(name), "must be a positive duration"));
	}

	@Test
	void whenOnlyAnAccessKeyIsSetThenTheLoginIsAtNa1UnlessTheTokenUriSaysOtherwise() {
		CxoneProperties properties = new CxoneProperties();
		properties.setAuthMode(CxoneProperties.AuthMode.ACCESS_KEY);
		properties.setAccessKeyId("key");
		properties.setAccessKeySecret(SECRET);
		CxoneEndpoints endpoints = CxonePropertiesValidator.validate(properties);
		assertThat(endpoints.flow()).isEqualTo(CxoneEndpoints.Flow.ACCESS_KEY_LOGIN);
		assertThat(endpoints.tokenUri())
			.hasToString("https://na1.nice-incontact.com/authentication/v1/token/access-key");
		assertThat(endpoints.issuer()).hasToString("https://cxone.niceincontact.com");
		assertThat(endpoints.baseUrl()).isNull();
		assertThat(endpoints.describe()).contains("access-key login", endpoints.tokenUri().toString())
			.doesNotContain(SECRET);
		properties.setTokenUri("https://eu1.nice-incontact.com/authentication/v1/token/access-key");
		assertThat(CxonePropertiesValidator.validate(properties).tokenUri()).hasToString(properties.getTokenUri());
		// The login endpoint gets the access key secret: the same rule as every URL a secret goes to.
		properties.setTokenUri("http://eu1.nice-incontact.com/authentication/v1/token/access-key");
		assertThatExceptionOfType(InvalidCxonePropertiesException.class)
			.isThrownBy(() -> CxonePropertiesValidator.validate(properties))
			.withMessageContaining("cxone.token-uri (CXONE_TOKEN_URI)")
			.withMessageContaining("unencrypted")
			.withMessageNotContaining(SECRET);
		properties.setTokenUri(null);
		properties.setClientId("registered-app");
		properties.setClientSecret(SECRET);
		assertThat(CxonePropertiesValidator.validate(properties).flow()).isEqualTo(CxoneEndpoints.Flow.PASSWORD_GRANT);
		assertThat(CxonePropertiesValidator.validate(properties).tokenUri()).isNull();
		assertThat(properties.toString()).doesNotContain(SECRET);
	}

	@ParameterizedTest
	@ValueSource(strings = { "cxone.http.proxy.host=http://proxy.corp.example:3128|cxone.http.proxy.port=3128",
			"cxone.http.proxy.host=proxy.corp.example:3128|cxone.http.proxy.port=3128",
			"cxone.http.proxy.host=1:2:3|cxone.http.proxy.port=3128", "cxone.http.proxy.host=[::1|cxone.http.proxy.port=3128",
			"cxone.http.proxy.host=user@proxy|cxone.http.proxy.port=3128",
			"cxone.http.proxy.host=999.999.999.999|cxone.http.proxy.port=3128",
			"cxone.http.proxy.host=proxy|cxone.http.proxy.port=3128|cxone.http.proxy.refusal-backoff=0s",
			"cxone.http.proxy.host=proxy.corp.example", "cxone.http.proxy.host=proxy|cxone.http.proxy.port=70000",
			"cxone.http.proxy.port=3128",
			"cxone.http.proxy.host=proxy|cxone.http.proxy.port=3128|cxone.http.proxy.username=me",
			"cxone.http.proxy.host=proxy|cxone.http.proxy.port=3128|cxone.http.proxy.password=" + SECRET })
	void whenTheProxyPropertiesAreIncompleteOrMalformedThenStartupFailsNamingThem(String properties) {
		String[] values = properties.split("\\|");
		this.contextRunner.withPropertyValues(this.credentials).withPropertyValues(values).run((context) -> {
			String description = analyze(context.getStartupFailure()).getDescription();
			String property = values[values.length - 1].substring(0, values[values.length - 1].indexOf('='));
			assertThat(description).contains("CXONE_HTTP_PROXY_").doesNotContain(SECRET);
			assertThat(description).containsAnyOf(property, "cxone.http.proxy.host", "cxone.http.proxy.port");
		});
	}

	@ParameterizedTest
	@ValueSource(strings = { "proxy.corp.example", "10.0.0.7", "[2001:db8::7]", "2001:db8::7", "proxy_1.corp" })
	void whenTheProxyHostIsAHostOrAnAddressThenItIsAccepted(String host) {
		this.contextRunner.withPropertyValues(this.credentials)
			.withPropertyValues("cxone.http.proxy.host=" + host, "cxone.http.proxy.port=3128")
			.run((context) -> assertThat(context).hasNotFailed());
	}

	@Test
	void whenTheProxyPropertiesAreCompleteThenTheyOverrideTheJvmsAndTheSettingsNameNoPassword() {
		this.contextRunner.withPropertyValues(this.credentials)
			.withPropertyValues("cxone.http.proxy.host=proxy.corp.example", "cxone.http.proxy.port=3128",
					"cxone.http.proxy.username=me", "cxone.http.proxy.password=" + SECRET,
					"cxone.http.proxy.non-proxy-hosts=*.corp.example,localhost")
			.run((context) -> {
				CxoneHttpSettings settings = context.getBean("cxoneHttpSettings", CxoneHttpSettings.class);
				assertThat(settings.proxy().describe()).isEqualTo("proxy.corp.example:3128 (cxone.http.proxy.*)");
				assertThat(settings.proxied("acme.api.nice.incontact.com")).isTrue();
				assertThat(settings.proxied("crm.corp.example")).isFalse();
				assertThat(settings.proxied("LOCALHOST")).isFalse();
				assertThat(settings.toString()).doesNotContain(SECRET);
				assertThat(context.getBean(CxoneProperties.class).getHttp().getProxy().toString()).doesNotContain(SECRET);
			});
	}

	@Test
	void whenTheJvmsProxyPortIsNotANumberThenStartupFailsNamingTheSystemProperty() {
		Properties jvm = new Properties();
		jvm.setProperty("https.proxyHost", "proxy.corp.example");
		jvm.setProperty("https.proxyPort", "31 28");
		assertThatExceptionOfType(InvalidCxonePropertiesException.class)
			.isThrownBy(() -> CxoneHttpSettingsFactory.create(new CxoneProperties().getHttp(), jvm, null))
			.withMessageContaining("https.proxyPort is '31 28'")
			.withMessageContaining("cxone.http.proxy.host");
		jvm.setProperty("https.proxyPort", "3128");
		CxoneHttpSettings settings = CxoneHttpSettingsFactory.create(new CxoneProperties().getHttp(), jvm, null);
		assertThat(settings.proxy().describe()).isEqualTo("proxy.corp.example:3128 (the JVM's https.proxyHost)");
		// The JVM's default http.nonProxyHosts: loopback is reached directly.
		assertThat(settings.proxied("127.0.0.1")).isFalse();
		assertThat(settings.proxied("[::1]")).isFalse();
		assertThat(settings.proxied("acme.api.nice.incontact.com")).isTrue();
	}

	@Test
	void whenAnSslBundleIsNamedButTheApplicationHasNoneThenStartupFailsSayingHowToDefineIt() {
		this.contextRunner.withPropertyValues(this.credentials)
			.withPropertyValues("cxone.http.ssl.bundle=corporate")
			.run((context) -> assertThat(analyze(context.getStartupFailure()).getDescription()).contains(
					"cxone.http.ssl.bundle (CXONE_HTTP_SSL_BUNDLE) is 'corporate'",
					"spring.ssl.bundle.pem.corporate.truststore.certificate"));
	}

	@Test
	void whenActuatorShowsValuesThenEveryFormOfTheStartersSecretKeysIsMaskedAndNothingElse() {
		assertThat(List.of("cxone.client-secret", "cxone.access-key-secret", "cxone.clientSecret",
				"cxone.accessKeySecret", "CXONE_CLIENT_SECRET", "CXONE_ACCESS_KEY_SECRET",
				"cxone.tenants.east.client-secret", "CXONE_TENANTS_EAST_ACCESS_KEY_SECRET", "cxone.http.proxy.password",
				"CXONE_HTTP_PROXY_PASSWORD", "https.proxyPassword", "http.proxyPassword"))
			.allMatch(CxoneSanitizingAutoConfiguration::isCxoneSecret);
		assertThat(List.of("cxone.client-id", "cxone.access-key-id", "cxone.token-uri",
				"spring.security.oauth2.client.registration.app.client-secret", "CLIENT_SECRET",
				"cxone.http.proxy.username", "https.proxyUser"))
			.noneMatch(CxoneSanitizingAutoConfiguration::isCxoneSecret);
	}

	@Test
	void whenTheSecretIsSetThenNoBeanPrintsIt() {
		this.contextRunner.withPropertyValues(this.credentials).run((context) -> {
			assertThat(context.getBean(CxoneWebClient.class).toString()).doesNotContain(SECRET);
			assertThat(context.getBean(CxoneProperties.class).toString()).doesNotContain(SECRET);
			assertThat(registration(context.getBean("cxoneClientRegistrationRepository",
					ReactiveClientRegistrationRepository.class)).toString()).doesNotContain(SECRET);
		});
	}

	private static ReactiveOAuth2AuthorizedClientService userStore(ApplicationContext context) {
		ReactiveOAuth2AuthorizedClientService store = context.getBean("cxoneAuthorizedClientService",
				ReactiveOAuth2AuthorizedClientService.class);
		assertThat(store).isSameAs(UserTokenStoreConfiguration.store);
		return store;
	}

	private static ClientRegistration registration(ReactiveClientRegistrationRepository repository) {
		return repository.findByRegistrationId(CxoneAutoConfiguration.REGISTRATION_ID).block();
	}

	private static FailureAnalysis analyze(Throwable failure) {
		assertThat(failure).isNotNull();
		FailureAnalysis analysis = new InvalidCxonePropertiesFailureAnalyzer().analyze(failure);
		assertThat(analysis).as("failure analysis of %s", failure).isNotNull();
		return analysis;
	}

	@Configuration(proxyBeanMethods = false)
	static class UserCxoneWebClientConfiguration {

		final CxoneWebClient client = new CxoneWebClient(WebClient.create());

		@Bean
		CxoneWebClient userCxoneWebClient() {
			return this.client;
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class UserTokenStoreConfiguration {

		static ReactiveOAuth2AuthorizedClientService store;

		@Bean(defaultCandidate = false)
		ReactiveOAuth2AuthorizedClientService cxoneAuthorizedClientService(
				@Qualifier("cxoneClientRegistrationRepository") ReactiveClientRegistrationRepository registrations) {
			store = new InMemoryReactiveOAuth2AuthorizedClientService(registrations);
			return store;
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class CustomizerConfiguration {

		boolean applied;

		@Bean
		CxoneWebClientCustomizer recordingCustomizer() {
			return (builder) -> this.applied = true;
		}

	}

}
