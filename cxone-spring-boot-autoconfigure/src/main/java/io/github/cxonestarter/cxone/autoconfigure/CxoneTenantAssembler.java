package io.github.cxonestarter.cxone.autoconfigure;

import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;

import io.github.cxonestarter.cxone.CxoneClients;
import io.github.cxonestarter.cxone.CxoneDiscoveryException;
import io.github.cxonestarter.cxone.CxoneRestClient;
import io.github.cxonestarter.cxone.CxoneRestClientCustomizer;
import io.github.cxonestarter.cxone.CxoneTenant;
import io.github.cxonestarter.cxone.CxoneTenantDefinition;
import io.github.cxonestarter.cxone.CxoneWebClient;
import io.github.cxonestarter.cxone.CxoneWebClientCustomizer;
import io.github.cxonestarter.cxone.PropertyNames;
import io.github.cxonestarter.cxone.accesskey.AccessKeyAuthorizedClientProvider;
import io.github.cxonestarter.cxone.accesskey.AccessKeyCredentials;
import io.github.cxonestarter.cxone.accesskey.AccessKeyGrantRequest;
import io.github.cxonestarter.cxone.accesskey.AccessKeyLoginClient;
import io.github.cxonestarter.cxone.accesskey.AccessKeyTokenResponseClient;
import io.github.cxonestarter.cxone.accesskey.ApiEndpointFilter;
import io.github.cxonestarter.cxone.accesskey.CxoneDiscovery;
import io.github.cxonestarter.cxone.accesskey.TenantResolver;
import io.github.cxonestarter.cxone.http.ConnectionFailures;
import io.github.cxonestarter.cxone.http.CxoneHttpSettings;
import io.github.cxonestarter.cxone.http.CxoneRequestFactory;
import io.github.cxonestarter.cxone.http.ReactorHttpClients;
import io.github.cxonestarter.cxone.metrics.CxoneInstrumentation;
import io.github.cxonestarter.cxone.token.BlockingTokens;
import io.github.cxonestarter.cxone.token.ClientSecretAuthentication;
import io.github.cxonestarter.cxone.token.CxoneClientRegistrations;
import io.github.cxonestarter.cxone.token.CxoneTokenManager;
import io.github.cxonestarter.cxone.token.CxoneTokenResponseExtractor;
import io.github.cxonestarter.cxone.token.RetryingTokenResponseClient;
import io.github.cxonestarter.cxone.token.TenantClientService;
import io.github.cxonestarter.cxone.token.TokenEndpointErrors;
import io.github.cxonestarter.cxone.token.TokenEventListener;
import io.github.cxonestarter.cxone.web.CxoneClientBuilders;
import io.github.cxonestarter.cxone.web.CxoneConnectionFilter;
import io.github.cxonestarter.cxone.web.RetryPolicy;
import io.github.resilience4j.core.IntervalFunction;
import io.github.resilience4j.retry.Retry;
import io.github.resilience4j.retry.RetryConfig;
import io.github.resilience4j.retry.RetryRegistry;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import reactor.core.publisher.Mono;
import reactor.netty.http.client.HttpClient;
import reactor.netty.resources.ConnectionProvider;

import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.ssl.SslBundles;
import org.springframework.core.env.Environment;
import org.springframework.http.client.reactive.ClientHttpConnector;
import org.springframework.http.client.reactive.ReactorClientHttpConnector;
import org.springframework.security.oauth2.client.AuthorizedClientServiceReactiveOAuth2AuthorizedClientManager;
import org.springframework.security.oauth2.client.ClientCredentialsReactiveOAuth2AuthorizedClientProvider;
import org.springframework.security.oauth2.client.OAuth2AuthorizeRequest;
import org.springframework.security.oauth2.client.ReactiveOAuth2AuthorizedClientManager;
import org.springframework.security.oauth2.client.ReactiveOAuth2AuthorizedClientService;
import org.springframework.security.oauth2.client.endpoint.OAuth2ClientCredentialsGrantRequest;
import org.springframework.security.oauth2.client.endpoint.ReactiveOAuth2AccessTokenResponseClient;
import org.springframework.security.oauth2.client.endpoint.WebClientReactiveClientCredentialsTokenResponseClient;
import org.springframework.security.oauth2.client.registration.ClientRegistration;
import org.springframework.security.oauth2.client.registration.ReactiveClientRegistrationRepository;
import org.springframework.security.oauth2.core.AuthorizationGrantType;
import org.springframework.security.oauth2.core.ClientAuthenticationMethod;
import org.springframework.web.client.RestClient;
import org.springframework.web.reactive.function.client.ExchangeStrategies;
import org.springframework.web.reactive.function.client.WebClient;

/**
 * Assembles one tenant's pieces from its properties: its client registration, its token
 * manager on Spring Security's client manager, its retries, its HTTP client and pool, and
 * its {@link CxoneWebClient} and {@link CxoneRestClient}. The single-tenant beans are each
 * made by one of the static methods; {@link CxoneClients} gets whole tenants from
 * {@link #assemble(String, CxoneTenantDefinition)} and {@link #assembleConfigured(String)},
 * which call the same methods in the same order.
 * <p>
 * Shared by every tenant: the token store (one registration ID per tenant), the
 * registration repository, the application's builders, customizers, listeners, SSL
 * bundles and Resilience4j registry, and Reactor Netty's event loops. Each tenant's own:
 * everything else, its connection pool included.
 *
 * @since 0.1.0
 */
public final class CxoneTenantAssembler {

	private static final Duration REMOVAL_TIMEOUT = Duration.ofSeconds(30);

	/**
	 * The codecs of every token client, built once: a set of default codecs (Jackson's
	 * mappers among them) is about half of what an idle tenant costs in heap.
	 */
	private static final ExchangeStrategies TOKEN_CODECS = ExchangeStrategies.builder()
		.codecs(CxoneClientBuilders::withoutRequestDetails)
		.build();

	private static final String WHOAMI_PATH = "/platform/v1/whoami";

	private static final String SERVER_TIME_PATH = "/inContactAPI/services/v23.0/server-time";

	private static final Log logger = LogFactory.getLog(CxoneTenantAssembler.class);

	private final CxoneTenantProperties tenantProperties;

	private final ReactiveClientRegistrationRepository registrations;

	private final ReactiveOAuth2AuthorizedClientService clientService;

	private final Shared shared;

	/**
	 * Create a new instance.
	 * @param environment the environment of the application's {@code cxone.*} properties
	 * @param registrations the registration repository that tenants join, a
	 * {@link CxoneClientRegistrations} for tenants to be added
	 * @param clientService the token store shared by every tenant
	 * @param shared what every tenant is built with
	 */
	public CxoneTenantAssembler(Environment environment, ReactiveClientRegistrationRepository registrations,
			ReactiveOAuth2AuthorizedClientService clientService, Shared shared) {
		this.tenantProperties = new CxoneTenantProperties(environment);
		this.registrations = registrations;
		this.clientService = clientService;
		this.shared = shared;
	}

	/**
	 * Return whether the environment configures any {@code cxone.tenants.*} key.
	 * @param environment the environment
	 * @return whether tenants are configured
	 */
	public static boolean hasTenants(Environment environment) {
		return CxoneTenantProperties.hasTenants(environment);
	}

	/**
	 * Return whether the application serves its tenants through {@link CxoneClients}
	 * only: {@code cxone.multi-tenant=true}, or any {@code cxone.tenants.*} key.
	 * @param environment the environment
	 * @return whether there is no single tenant
	 */
	public static boolean isMultiTenant(Environment environment) {
		return Binder.get(environment).bind("cxone.multi-tenant", Boolean.class).orElse(false) || hasTenants(environment);
	}

	/**
	 * Return the ID of a tenant's client registration.
	 * @param tenant the tenant's name
	 * @return the registration ID, like {@code cxone-east}
	 */
	public static String registrationId(String tenant) {
		return CxoneAutoConfiguration.REGISTRATION_ID + "-" + tenant;
	}

	/**
	 * Assemble the tenants configured under {@code cxone.tenants.*}, reporting the
	 * problems of all of them at once.
	 * @param names the tenants' names
	 * @return the tenants
	 * @throws InvalidCxonePropertiesException when properties are missing or invalid
	 */
	public List<CxoneTenant> assembleConfigured(Iterable<String> names) {
		if (!names.iterator().hasNext() && this.tenantProperties.hasTenantKeys()) {
			throw new InvalidCxonePropertiesException(List.of(), List.of("cxone.tenants.* keys are set, but none of "
					+ "them is a property of a tenant, so no tenant is configured. A tenant's keys are "
					+ "cxone.tenants.<name>.<key>, its name lowercase letters and digits, like cxone.tenants.east.subdomain "
					+ "(CXONE_TENANTS_EAST_SUBDOMAIN)."));
		}
		List<CxoneTenant> tenants = new ArrayList<>();
		Set<String> missing = new LinkedHashSet<>();
		Set<String> problems = new LinkedHashSet<>();
		for (String name : names) {
			try {
				tenants.add(assemble(name, this.tenantProperties.configured(name)));
			}
			catch (InvalidCxonePropertiesException ex) {
				// A top-level value that every tenant inherits is reported once.
				missing.addAll(ex.getMissing());
				problems.addAll(ex.getProblems());
			}
		}
		if (!missing.isEmpty() || !problems.isEmpty()) {
			// The start-up fails: the tenants assembled have sent nothing and opened nothing.
			throw new InvalidCxonePropertiesException(List.copyOf(missing), List.copyOf(problems));
		}
		return tenants;
	}

	/**
	 * Assemble a tenant registered at run time: its definition over the top-level
	 * {@code cxone.*} properties.
	 * @param name the tenant's name
	 * @param definition its definition
	 * @return the tenant
	 * @throws InvalidCxonePropertiesException when its definition is missing a value, holds
	 * an invalid one or a key that no property has
	 */
	public CxoneTenant assemble(String name, CxoneTenantDefinition definition) {
		return assemble(name, this.tenantProperties.defined(name, definition));
	}

	private CxoneTenant assemble(String name, CxoneTenantProperties.Resolved resolved) {
		CxoneProperties properties = resolved.properties();
		UnaryOperator<String> naming = resolved.naming();
		CxoneEndpoints endpoints = CxonePropertiesValidator.validate(properties, resolved.naming());
		if (!(this.registrations instanceof CxoneClientRegistrations tenantRegistrations)) {
			throw new IllegalStateException("The cxoneClientRegistrationRepository bean is "
					+ this.registrations.getClass().getName() + ", not a CxoneClientRegistrations, so CXone tenants "
					+ "cannot join it. Define it as a CxoneClientRegistrations.");
		}
		String registrationId = registrationId(name);
		CxoneHttpSettings settings = CxoneHttpSettingsFactory.create(properties.getHttp(), System.getProperties(),
				this.shared.sslBundles());
		tenantRegistrations.add(registration(registrationId, properties, endpoints));
		Parts parts = new Parts(registrationId, tenantRegistrations, this.shared.retryRegistry(), this.clientService);
		try {
			CxoneTenant tenant = assemble(name, properties, naming, endpoints, settings, parts);
			logger.info("CXone tenant '" + name + "': " + endpoints.describe());
			return tenant;
		}
		catch (RuntimeException ex) {
			// Nothing of a tenant that could not be assembled is left behind: its name can be used again.
			parts.release();
			throw ex;
		}
	}

	private CxoneTenant assemble(String name, CxoneProperties properties, UnaryOperator<String> naming,
			CxoneEndpoints endpoints,
			CxoneHttpSettings settings, Parts parts) {
		ConnectionFailures failures = connectionFailures(properties, settings);
		parts.pool = connectionProvider(parts.registrationId, properties);
		HttpClient httpClient = ReactorHttpClients.create(settings, parts.pool);
		ReactorClientHttpConnector connector = new ReactorClientHttpConnector(httpClient);
		parts.requestFactory = new CxoneRequestFactory(httpClient);
		Retry tokenRetry = tokenRetry(CxoneAutoConfiguration.TOKEN_RETRY_NAME + "-" + name, properties);
		WebClient tokenWebClient = tokenWebClient(connector, failures, tokenUrlProperty(naming));
		parts.apiRetry = properties.getRetry().isEnabled()
				? retry(parts.registrationId, properties, this.shared.retryRegistry()) : null;
		parts.instrumentation = (this.shared.instrumentation() != null)
				? this.shared.instrumentation().forTenant(name, parts.apiRetry, tokenRetry) : CxoneInstrumentation.NONE;
		List<TokenEventListener> listeners = new ArrayList<>(this.shared.listeners());
		listeners.add(parts.instrumentation);
		CxoneTokenManager[] manager = new CxoneTokenManager[1];
		ApiEndpointFilter apiEndpoint = null;
		ReactiveOAuth2AuthorizedClientManager clientManager;
		if (endpoints.flow() == CxoneEndpoints.Flow.CLIENT_CREDENTIALS) {
			clientManager = clientCredentialsManager(properties, endpoints, this.registrations, parts.store, tokenWebClient,
					tokenRetry);
		}
		else {
			CxoneDiscovery discovery = new CxoneDiscovery(tokenWebClient, endpoints.issuer(), endpoints.tokenUri());
			TenantResolver tenants = new TenantResolver();
			clientManager = accessKeyManager(properties, endpoints, discovery, tenants, this.registrations, parts.store,
					tokenWebClient, tokenRetry);
			apiEndpoint = apiEndpointFilter(endpoints, discovery, tenants, () -> manager[0], naming);
		}
		manager[0] = tokenManager(properties, clientManager, parts.store, parts.registrationId,
				TokenEventListener.composite(listeners));
		CxoneInstrumentation instrumentation = parts.instrumentation;
		CxoneClientBuilders builders = clientBuilders(properties, endpoints, new BlockingTokens(manager[0],
				properties.getToken().getTimeout()), new CxoneClientBuilders.Connections(connector, parts.requestFactory,
						failures, properties.getHttp().getMaxReplayBodySize(), naming),
				parts.apiRetry, apiEndpoint, instrumentation, this.shared.webClientCustomizers(),
				this.shared.restClientCustomizers());
		CxoneWebClient webClient = new CxoneWebClient(builders.configure(this.shared.webClientBuilder().get()).build());
		CxoneRestClient restClient = new CxoneRestClient(builders.configure(this.shared.restClientBuilder().get()).build());
		Function<Supplier<? extends RuntimeException>, Mono<Void>> removal = (reason) -> {
			// First, so that a token request that ends from now on stores nothing.
			parts.store.retire();
			return manager[0].retire(reason)
				.timeout(REMOVAL_TIMEOUT)
				.onErrorResume((ex) -> {
					logger.warn("CXone tenant '" + name + "' is removed, but its token could not be removed from the "
							+ "token store: " + ex.getMessage());
					return Mono.empty();
				})
				.then(Mono.fromRunnable(parts::release));
		};
		return new CxoneTenant(name, parts.registrationId, naming, manager[0], webClient, restClient,
				healthCheck(properties), removal);
	}

	/**
	 * What a tenant holds that must be given back when it is removed, or when its assembly
	 * fails half-way.
	 */
	private static final class Parts {

		private final String registrationId;

		private final CxoneClientRegistrations registrations;

		private final RetryRegistry retryRegistry;

		private final TenantClientService store;

		private ConnectionProvider pool;

		private CxoneRequestFactory requestFactory;

		private Retry apiRetry;

		private CxoneInstrumentation instrumentation;

		Parts(String registrationId, CxoneClientRegistrations registrations, RetryRegistry retryRegistry,
				ReactiveOAuth2AuthorizedClientService store) {
			this.registrationId = registrationId;
			this.registrations = registrations;
			this.retryRegistry = retryRegistry;
			this.store = new TenantClientService(store);
		}

		void release() {
			this.registrations.remove(this.registrationId);
			if (this.requestFactory != null) {
				this.requestFactory.destroy();
			}
			if (this.retryRegistry != null && this.apiRetry != null) {
				this.retryRegistry.remove(this.apiRetry.getName());
			}
			if (this.instrumentation != null) {
				this.instrumentation.close();
			}
			if (this.pool != null) {
				this.pool.disposeLater().subscribe(null, (ex) -> logger.debug("Closing a CXone tenant's pool failed", ex));
			}
		}

	}

	static <T> List<T> with(List<T> customizers, T last) {
		List<T> all = new ArrayList<>(customizers);
		all.add(last);
		return all;
	}

	/**
	 * Return a property as errors name it, with the environment variable that sets it.
	 * @param naming the tenant's name of each {@code cxone.*} property
	 * @param property the property, like {@code cxone.base-url}
	 * @return the description, like {@code cxone.base-url (CXONE_BASE_URL)}
	 */
	public static String described(UnaryOperator<String> naming, String property) {
		return PropertyNames.described(naming.apply(property));
	}

	/**
	 * Return the properties that set the token endpoint, as errors name them.
	 * @param naming the tenant's name of each {@code cxone.*} property
	 * @return the description
	 */
	public static String tokenUrlProperty(UnaryOperator<String> naming) {
		return described(naming, "cxone.token-uri") + " or " + described(naming, "cxone.issuer");
	}

	/**
	 * Create a tenant's connection pool: its own, so that one tenant's calls cannot take
	 * the connections another's wait for.
	 * @param name the pool's name
	 * @param properties the tenant's properties
	 * @return the pool
	 */
	public static ConnectionProvider connectionProvider(String name, CxoneProperties properties) {
		// Waiting callers are bounded by the connect and response timeouts, not by a queue length.
		return ConnectionProvider.builder(name)
			.maxConnections(properties.getHttp().getMaxConnections())
			.pendingAcquireMaxCount(-1)
			.build();
	}

	/**
	 * Create the typing of a tenant's connection failures.
	 * @param properties the tenant's properties
	 * @param settings its connection settings
	 * @return the connection failures
	 */
	public static ConnectionFailures connectionFailures(CxoneProperties properties, CxoneHttpSettings settings) {
		return new ConnectionFailures(settings, properties.getHttp().getProxy().getRefusalBackoff());
	}

	/**
	 * Create the retry of a tenant's token requests.
	 * @param name the retry's name
	 * @param properties the tenant's properties
	 * @return the retry
	 */
	public static Retry tokenRetry(String name, CxoneProperties properties) {
		CxoneProperties.Token token = properties.getToken();
		return Retry.of(name, RetryingTokenResponseClient.retryConfig(token.getMaxAttempts(), token.getInitialBackoff(),
				token.getInitialBackoff().multipliedBy(16)));
	}

	/**
	 * Create the WebClient of a tenant's token requests and discovery.
	 * @param connector the tenant's connector
	 * @param failures how its connection failures are typed
	 * @param urlProperty the properties that set the token endpoint, as errors name them
	 * @return the client
	 */
	public static WebClient tokenWebClient(ClientHttpConnector connector, ConnectionFailures failures,
			String urlProperty) {
		// A builder of the starter's own, not Boot's: the application's WebClientCustomizers,
		// filters and spring.http.codecs.log-request-details must never see the client secret,
		// the access key secret or a token.
		return WebClient.builder()
			.clientConnector(connector)
			.exchangeStrategies(TOKEN_CODECS)
			.filter(new CxoneConnectionFilter(failures, urlProperty))
			.build();
	}

	/**
	 * Create a tenant's client registration.
	 * @param registrationId its ID
	 * @param properties the tenant's properties
	 * @param endpoints its validated endpoints
	 * @return the registration
	 */
	public static ClientRegistration registration(String registrationId, CxoneProperties properties,
			CxoneEndpoints endpoints) {
		if (endpoints.flow() == CxoneEndpoints.Flow.CLIENT_CREDENTIALS) {
			return ClientRegistration.withRegistrationId(registrationId)
				.authorizationGrantType(AuthorizationGrantType.CLIENT_CREDENTIALS)
				.clientId(properties.getClientId())
				.clientSecret(ClientSecretAuthentication.PLACEHOLDER)
				.clientAuthenticationMethod(isBasic(properties) ? ClientAuthenticationMethod.CLIENT_SECRET_BASIC
						: ClientAuthenticationMethod.CLIENT_SECRET_POST)
				.scope(properties.getScopes())
				.tokenUri(endpoints.tokenUri().toString())
				.build();
		}
		URI tokenUri = (endpoints.tokenUri() != null) ? endpoints.tokenUri() : endpoints.issuer();
		ClientRegistration.Builder registration = ClientRegistration.withRegistrationId(registrationId)
			.tokenUri(tokenUri.toString());
		if (isLogin(endpoints)) {
			// No application: the access key is the client.
			registration.authorizationGrantType(AccessKeyGrantRequest.ACCESS_KEY_LOGIN)
				.clientId(properties.getAccessKeyId())
				.clientAuthenticationMethod(ClientAuthenticationMethod.NONE);
		}
		else {
			registration.authorizationGrantType(AccessKeyGrantRequest.PASSWORD)
				.clientId(properties.getClientId())
				.clientSecret(ClientSecretAuthentication.PLACEHOLDER)
				.clientAuthenticationMethod(ClientAuthenticationMethod.CLIENT_SECRET_BASIC);
		}
		return registration.build();
	}

	/**
	 * Create the client manager of the client_credentials flow, on Spring Security's own
	 * provider and token response client.
	 * @param properties the tenant's properties
	 * @param endpoints its endpoints
	 * @param registrations the registration repository
	 * @param clientService the token store
	 * @param tokenWebClient the client of token requests
	 * @param tokenRetry the retry of token requests
	 * @return the client manager
	 */
	public static ReactiveOAuth2AuthorizedClientManager clientCredentialsManager(CxoneProperties properties,
			CxoneEndpoints endpoints, ReactiveClientRegistrationRepository registrations,
			ReactiveOAuth2AuthorizedClientService clientService, WebClient tokenWebClient, Retry tokenRetry) {
		TokenEndpointErrors errors = TokenEndpointErrors.forClientCredentials(endpoints.tokenUri().toString())
			.redacting(properties.getClientSecret());
		WebClientReactiveClientCredentialsTokenResponseClient springClient = new WebClientReactiveClientCredentialsTokenResponseClient();
		springClient.setWebClient(tokenWebClient);
		new ClientSecretAuthentication(properties.getClientId(), properties.getClientSecret(), isBasic(properties))
			.applyTo(springClient);
		springClient.setBodyExtractor(new CxoneTokenResponseExtractor(properties.getToken().getDefaultLifetime(), errors));
		ClientCredentialsReactiveOAuth2AuthorizedClientProvider provider = new ClientCredentialsReactiveOAuth2AuthorizedClientProvider();
		provider.setAccessTokenResponseClient(new RetryingTokenResponseClient<OAuth2ClientCredentialsGrantRequest>(
				springClient, errors, tokenRetry, properties.getToken().getTimeout()));
		provider.setClockSkew(properties.getToken().getRefreshSkew());
		return clientManager(registrations, clientService, provider);
	}

	/**
	 * Create the client manager of CXone's access-key flows, on a provider of the
	 * starter's own: the password grant of a registered application (the token endpoint
	 * discovered from the issuer), or, with no client ID and secret, the access-key login
	 * with the key alone.
	 * @param properties the tenant's properties
	 * @param endpoints its endpoints
	 * @param discovery its discovery
	 * @param tenants reads the tenant ID of its tokens
	 * @param registrations the registration repository
	 * @param clientService the token store
	 * @param tokenWebClient the client of token requests
	 * @param tokenRetry the retry of token requests
	 * @return the client manager
	 */
	public static ReactiveOAuth2AuthorizedClientManager accessKeyManager(CxoneProperties properties,
			CxoneEndpoints endpoints, CxoneDiscovery discovery, TenantResolver tenants,
			ReactiveClientRegistrationRepository registrations, ReactiveOAuth2AuthorizedClientService clientService,
			WebClient tokenWebClient, Retry tokenRetry) {
		String tokenEndpoint = (endpoints.tokenUri() != null) ? endpoints.tokenUri().toString()
				: "(discovered from " + endpoints.issuer() + ")";
		Function<String, TokenEndpointErrors> flowErrors = isLogin(endpoints) ? TokenEndpointErrors::forAccessKeyLogin
				: TokenEndpointErrors::forAccessKey;
		// An endpoint's answer that quotes the request back must not carry a secret into a message.
		Function<String, TokenEndpointErrors> errors = (uri) -> flowErrors.apply(uri)
			.redacting(properties.getAccessKeySecret(), isLogin(endpoints) ? null : properties.getClientSecret());
		// One extractor per token endpoint, not per request: it reports an unusable expires_in once.
		Map<URI, CxoneTokenResponseExtractor> extractors = new ConcurrentHashMap<>();
		Function<URI, CxoneTokenResponseExtractor> extractor = (tokenUri) -> extractors.computeIfAbsent(tokenUri,
				(uri) -> new CxoneTokenResponseExtractor(properties.getToken().getDefaultLifetime(),
						errors.apply(uri.toString())));
		ReactiveOAuth2AccessTokenResponseClient<AccessKeyGrantRequest> responseClient = isLogin(endpoints)
				? new AccessKeyLoginClient(tokenWebClient, endpoints.tokenUri(), properties.getAccessKeyId(),
						properties.getAccessKeySecret(), extractor.apply(endpoints.tokenUri()), tenants)
				: new AccessKeyTokenResponseClient(tokenWebClient, discovery,
						new AccessKeyCredentials(properties.getClientId(), properties.getClientSecret(),
								properties.getAccessKeyId(), properties.getAccessKeySecret()),
						extractor, tenants);
		AccessKeyAuthorizedClientProvider provider = new AccessKeyAuthorizedClientProvider(
				new RetryingTokenResponseClient<>(responseClient, errors.apply(tokenEndpoint), tokenRetry,
						properties.getToken().getTimeout()),
				properties.getToken().getRefreshSkew(), Clock.systemUTC());
		return clientManager(registrations, clientService, provider);
	}

	private static ReactiveOAuth2AuthorizedClientManager clientManager(ReactiveClientRegistrationRepository registrations,
			ReactiveOAuth2AuthorizedClientService clientService,
			org.springframework.security.oauth2.client.ReactiveOAuth2AuthorizedClientProvider provider) {
		var manager = new AuthorizedClientServiceReactiveOAuth2AuthorizedClientManager(registrations, clientService);
		manager.setAuthorizedClientProvider(provider);
		// Eviction is CxoneTokenManager's job: it drops only the token the API refused.
		manager.setAuthorizationFailureHandler((failure, principal, attributes) -> Mono.empty());
		return manager;
	}

	/**
	 * Create the filter that sends a tenant's calls to its API host: the configured base
	 * URL, or the host discovered from its token's tenant ID.
	 * @param endpoints the tenant's endpoints
	 * @param discovery its discovery
	 * @param tenants reads the tenant ID of its tokens
	 * @param tokens its token manager, once there is one
	 * @param naming the tenant's name of each {@code cxone.*} property, for messages
	 * @return the filter
	 */
	public static ApiEndpointFilter apiEndpointFilter(CxoneEndpoints endpoints, CxoneDiscovery discovery,
			TenantResolver tenants, Supplier<CxoneTokenManager> tokens, UnaryOperator<String> naming) {
		if (endpoints.baseUrl() != null) {
			// base-url is set: nothing to discover, nothing to rewrite.
			return new ApiEndpointFilter(() -> Mono.just(endpoints.baseUrl()));
		}
		return new ApiEndpointFilter(() -> tokens.get().authorize().flatMap((client) -> {
			String tenant = tenants.tenantId(client.getAccessToken());
			if (tenant == null) {
				return Mono.error(new CxoneDiscoveryException(discovery.getIssuer().toString(),
						"CXone's token carries no tenantId claim, so the tenant's API host cannot be discovered. "
								+ "Set " + described(naming, "cxone.base-url") + " to the tenant's API endpoint.",
						null));
			}
			return discovery.apiEndpoint(tenant);
		}));
	}

	/**
	 * Create a tenant's token manager.
	 * @param properties the tenant's properties
	 * @param clientManager Spring Security's client manager of its registration
	 * @param clientService the token store
	 * @param registrationId its registration ID
	 * @param listener told about its token requests
	 * @return the token manager
	 */
	public static CxoneTokenManager tokenManager(CxoneProperties properties, ReactiveOAuth2AuthorizedClientManager clientManager,
			ReactiveOAuth2AuthorizedClientService clientService, String registrationId, TokenEventListener listener) {
		Duration backoff = properties.getToken().getInitialBackoff();
		Duration refusal = properties.getToken().getRefusalBackoff();
		return new CxoneTokenManager(clientManager, clientService,
				OAuth2AuthorizeRequest.withClientRegistrationId(registrationId)
					.principal(CxoneAutoConfiguration.PRINCIPAL)
					.build(),
				properties.getToken().getRefreshSkew(),
				IntervalFunction.ofExponentialRandomBackoff(backoff, 2.0, 0.5, properties.getToken().getRefreshSkew()),
				IntervalFunction.ofExponentialBackoff(refusal, 2.0, refusal.multipliedBy(64)), Clock.systemUTC(),
				listener);
	}

	/**
	 * Create the retry of a tenant's API calls, in the application's registry when it has
	 * one.
	 * @param name the retry's name
	 * @param properties the tenant's properties
	 * @param registry the application's registry, or {@code null}
	 * @return the retry
	 */
	public static Retry retry(String name, CxoneProperties properties, RetryRegistry registry) {
		CxoneProperties.Retry retry = properties.getRetry();
		RetryConfig config = RetryPolicy.retryConfig(retry.getMaxAttempts(), IntervalFunction
			.ofExponentialRandomBackoff(retry.getInitialBackoff(), retry.getMultiplier(), 0.5, retry.getMaxBackoff()));
		return (registry != null) ? registry.retry(name, config) : Retry.of(name, config);
	}

	/**
	 * Create what configures a tenant's client builders.
	 * @param properties the tenant's properties
	 * @param endpoints its endpoints
	 * @param tokens its token, for blocking and reactive calls
	 * @param connections its connections
	 * @param retry the retry of its API calls, or {@code null}
	 * @param apiEndpoint its API host filter, in access-key mode, or {@code null}
	 * @param instrumentation what its clients report, for its meters
	 * @param webClientCustomizers the customizers of its WebClient
	 * @param restClientCustomizers the customizers of its RestClient
	 * @return the builders' configuration
	 */
	public static CxoneClientBuilders clientBuilders(CxoneProperties properties, CxoneEndpoints endpoints,
			BlockingTokens tokens, CxoneClientBuilders.Connections connections, Retry retry, ApiEndpointFilter apiEndpoint,
			CxoneInstrumentation instrumentation, List<CxoneWebClientCustomizer> webClientCustomizers,
			List<CxoneRestClientCustomizer> restClientCustomizers) {
		return new CxoneClientBuilders(tokens, endpoints.baseUrl(), apiEndpoint, retry,
				new RetryPolicy(properties.getRetry().isRetryNonIdempotent(), properties.getRetry().getMaxRetryAfter()),
				connections, instrumentation, webClientCustomizers, restClientCustomizers);
	}

	/**
	 * Return how a tenant's health is checked.
	 * @param properties the tenant's properties
	 * @return the health check
	 */
	public static CxoneTenant.HealthCheck healthCheck(CxoneProperties properties) {
		CxoneProperties.Health health = properties.getHealth();
		String path = health.getWhoamiPath();
		if (path == null) {
			path = (properties.getAuthMode() == CxoneProperties.AuthMode.ACCESS_KEY) ? SERVER_TIME_PATH : WHOAMI_PATH;
		}
		return new CxoneTenant.HealthCheck(path, health.getTimeout(), health.getCacheTtl());
	}

	private static boolean isBasic(CxoneProperties properties) {
		return properties.getClientAuthenticationMethod() == CxoneProperties.ClientAuthentication.CLIENT_SECRET_BASIC;
	}

	private static boolean isLogin(CxoneEndpoints endpoints) {
		return endpoints.flow() == CxoneEndpoints.Flow.ACCESS_KEY_LOGIN;
	}

	/**
	 * What every tenant is built with.
	 *
	 * @param sslBundles the application's SSL bundles, or {@code null}
	 * @param retryRegistry the application's Resilience4j registry, or {@code null}
	 * @param instrumentation the factory of each tenant's meters, or {@code null}
	 * @param listeners the application's token event listeners
	 * @param webClientCustomizers the application's customizers of CXone WebClients
	 * @param restClientCustomizers the application's customizers of CXone RestClients
	 * @param webClientBuilder a new builder each time: a clone of the application's, or one
	 * of the starter's own
	 * @param restClientBuilder the same for RestClient
	 */
	public record Shared(SslBundles sslBundles, RetryRegistry retryRegistry, CxoneInstrumentation.Factory instrumentation,
			List<TokenEventListener> listeners, List<CxoneWebClientCustomizer> webClientCustomizers,
			List<CxoneRestClientCustomizer> restClientCustomizers, Supplier<WebClient.Builder> webClientBuilder,
			Supplier<RestClient.Builder> restClientBuilder) {

	}

}
