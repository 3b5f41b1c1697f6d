package io.github.cxonestarter.cxone.autoconfigure;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.util.unit.DataSize;

/**
 * Configuration properties of the CXone starter.
 *
 * @since 0.1.0
 */
@ConfigurationProperties("cxone")
public class CxoneProperties {

	/**
	 * Whether to configure the CXone client.
	 */
	private boolean enabled = true;

	/**
	 * How the starter authenticates: client-credentials (an API key's client ID and
	 * secret) or access-key (an access key; with client-id and client-secret, the password
	 * grant of an application registered with NICE, without them, the access-key login).
	 */
	private AuthMode authMode = AuthMode.CLIENT_CREDENTIALS;

	/**
	 * Issuer the tenant's API host (and the password grant's token endpoint) are
	 * discovered from, in access-key mode. Others: https://cxone-gov.niceincontact.com (FedRAMP),
	 * https://nicecxone-sov1.au, https://nicecxone-sov1.eu, https://nicecxone-sov1.uk.
	 */
	private String issuer = "https://cxone.niceincontact.com";

	/**
	 * Access key ID of the API user, in access-key mode.
	 */
	private String accessKeyId;

	/**
	 * Access key secret of the API user, in access-key mode.
	 */
	private String accessKeySecret;

	/**
	 * Tenant subdomain, as in https://{subdomain}.api.nice.incontact.com. Case-sensitive.
	 * Required unless both base-url and token-uri are set.
	 */
	private String subdomain;

	/**
	 * Client ID of the CXone API key, or of the application registered with NICE in
	 * access-key mode (leave it out to log in with the access key alone).
	 */
	private String clientId;

	/**
	 * Client secret of the CXone API key, or of the application registered with NICE in
	 * access-key mode (leave it out to log in with the access key alone).
	 */
	private String clientSecret;

	/**
	 * Scopes to request with the token.
	 */
	private List<String> scopes = new ArrayList<>(List.of("default"));

	/**
	 * Base URL of the CXone API. Defaults to https://{subdomain}.api.nice.incontact.com.
	 */
	private String baseUrl;

	/**
	 * Token endpoint. Defaults to {base-url}/oauth2/token (client-credentials), the
	 * issuer's discovered token endpoint (access-key password grant), or
	 * https://na1.nice-incontact.com/authentication/v1/token/access-key (access-key login;
	 * au1 and eu1 hosts exist too).
	 */
	private String tokenUri;

	/**
	 * How the client authenticates at the token endpoint.
	 */
	private ClientAuthentication clientAuthenticationMethod = ClientAuthentication.CLIENT_SECRET_BASIC;

	private final Token token = new Token();

	private final Http http = new Http();

	private final Retry retry = new Retry();

	private final Health health = new Health();

	private final Discovery discovery = new Discovery();

	/**
	 * Tenants served through CxoneClients, by name (lowercase letters and digits). Each
	 * takes any of the cxone.* keys, as in cxone.tenants.east.subdomain; a key a tenant
	 * leaves out takes the top-level value (subdomain, base-url and token-uri only
	 * together, and likewise each credential pair and the proxy's keys).
	 */
	private final Map<String, CxoneProperties> tenants = new LinkedHashMap<>();

	/**
	 * Whether the application serves its tenants through CxoneClients only, with no
	 * single-tenant CxoneWebClient or CxoneRestClient. Implied by any cxone.tenants.*; set it
	 * when every tenant is registered at run time. The top-level keys are then the
	 * tenants' defaults.
	 */
	private boolean multiTenant;

	public boolean isEnabled() {
		return this.enabled;
	}

	public void setEnabled(boolean enabled) {
		this.enabled = enabled;
	}

	public String getSubdomain() {
		return this.subdomain;
	}

	public void setSubdomain(String subdomain) {
		this.subdomain = subdomain;
	}

	public String getClientId() {
		return this.clientId;
	}

	public void setClientId(String clientId) {
		this.clientId = clientId;
	}

	public String getClientSecret() {
		return this.clientSecret;
	}

	public void setClientSecret(String clientSecret) {
		this.clientSecret = clientSecret;
	}

	public List<String> getScopes() {
		return this.scopes;
	}

	public void setScopes(List<String> scopes) {
		this.scopes = scopes;
	}

	public String getBaseUrl() {
		return this.baseUrl;
	}

	public void setBaseUrl(String baseUrl) {
		this.baseUrl = baseUrl;
	}

	public String getTokenUri() {
		return this.tokenUri;
	}

	public void setTokenUri(String tokenUri) {
		this.tokenUri = tokenUri;
	}

	public ClientAuthentication getClientAuthenticationMethod() {
		return this.clientAuthenticationMethod;
	}

	public void setClientAuthenticationMethod(ClientAuthentication clientAuthenticationMethod) {
		this.clientAuthenticationMethod = clientAuthenticationMethod;
	}

	public Token getToken() {
		return this.token;
	}

	public Http getHttp() {
		return this.http;
	}

	public Retry getRetry() {
		return this.retry;
	}

	public Health getHealth() {
		return this.health;
	}

	public Discovery getDiscovery() {
		return this.discovery;
	}

	public Map<String, CxoneProperties> getTenants() {
		return this.tenants;
	}

	public boolean isMultiTenant() {
		return this.multiTenant;
	}

	public void setMultiTenant(boolean multiTenant) {
		this.multiTenant = multiTenant;
	}

	public AuthMode getAuthMode() {
		return this.authMode;
	}

	public void setAuthMode(AuthMode authMode) {
		this.authMode = authMode;
	}

	public String getIssuer() {
		return this.issuer;
	}

	public void setIssuer(String issuer) {
		this.issuer = issuer;
	}

	public String getAccessKeyId() {
		return this.accessKeyId;
	}

	public void setAccessKeyId(String accessKeyId) {
		this.accessKeyId = accessKeyId;
	}

	public String getAccessKeySecret() {
		return this.accessKeySecret;
	}

	public void setAccessKeySecret(String accessKeySecret) {
		this.accessKeySecret = accessKeySecret;
	}

	/**
	 * How the starter authenticates.
	 */
	public enum AuthMode {

		/**
		 * OAuth2 client_credentials with an API key's client ID and secret.
		 */
		CLIENT_CREDENTIALS,

		/**
		 * An access key: with a client ID and secret, the OAuth2 password grant of a
		 * registered application against a discovered token endpoint; without them,
		 * CXone's access-key login.
		 */
		ACCESS_KEY

	}

	/**
	 * How the client authenticates at the token endpoint.
	 */
	public enum ClientAuthentication {

		/**
		 * HTTP Basic authentication with the client ID and secret.
		 */
		CLIENT_SECRET_BASIC,

		/**
		 * Client ID and secret in the form body.
		 */
		CLIENT_SECRET_POST

	}

	/**
	 * Token lifecycle properties.
	 */
	public static class Token {

		/**
		 * How long before its expiry a token is renewed (at most half its lifetime).
		 */
		private Duration refreshSkew = Duration.ofSeconds(30);

		/**
		 * Lifetime of a token whose response has no expires_in.
		 */
		private Duration defaultLifetime = Duration.ofSeconds(3600);

		/**
		 * Attempts of a token request (the first included) when the token endpoint fails
		 * with 5xx, 429, a timeout or a connection error. Refusals (4xx) are not retried.
		 */
		private int maxAttempts = 3;

		/**
		 * Wait before the first retry of a token request; it doubles with each retry,
		 * with jitter.
		 */
		private Duration initialBackoff = Duration.ofMillis(500);

		/**
		 * How long one token request may take in all, its retries and their waits
		 * included; then every caller waiting for it gets a timeout error, and the next
		 * call starts a new request. It is also the longest a blocking call
		 * (CxoneRestClient) waits for a token.
		 */
		private Duration timeout = Duration.ofSeconds(30);

		/**
		 * How long refused tokens are not replaced after the API refused a new token too
		 * (a 401 that persists); it doubles with each further refusal, up to 64 times.
		 * Calls fail at once meanwhile, instead of each fetching a token.
		 */
		private Duration refusalBackoff = Duration.ofSeconds(5);

		public Duration getTimeout() {
			return this.timeout;
		}

		public void setTimeout(Duration timeout) {
			this.timeout = timeout;
		}

		public Duration getRefusalBackoff() {
			return this.refusalBackoff;
		}

		public void setRefusalBackoff(Duration refusalBackoff) {
			this.refusalBackoff = refusalBackoff;
		}

		public Duration getRefreshSkew() {
			return this.refreshSkew;
		}

		public void setRefreshSkew(Duration refreshSkew) {
			this.refreshSkew = refreshSkew;
		}

		public Duration getDefaultLifetime() {
			return this.defaultLifetime;
		}

		public void setDefaultLifetime(Duration defaultLifetime) {
			this.defaultLifetime = defaultLifetime;
		}

		public int getMaxAttempts() {
			return this.maxAttempts;
		}

		public void setMaxAttempts(int maxAttempts) {
			this.maxAttempts = maxAttempts;
		}

		public Duration getInitialBackoff() {
			return this.initialBackoff;
		}

		public void setInitialBackoff(Duration initialBackoff) {
			this.initialBackoff = initialBackoff;
		}

	}

	/**
	 * HTTP client properties, for token and API calls.
	 */
	public static class Http {

		/**
		 * Connect timeout.
		 */
		private Duration connectTimeout = Duration.ofSeconds(5);

		/**
		 * Response timeout.
		 */
		private Duration responseTimeout = Duration.ofSeconds(30);

		/**
		 * Maximum number of pooled connections to CXone; further requests wait for one.
		 */
		private int maxConnections = 100;

		/**
		 * Largest request body that is kept, as it is sent, so that a retry or the replay
		 * after a 401 sends the same bytes without producing the body again. A larger
		 * body is sent once and not retried or replayed.
		 */
		private DataSize maxReplayBodySize = DataSize.ofMegabytes(1);

		/**
		 * Outbound HTTP proxy for every connection to CXone. Without a host, the JVM's
		 * standard proxy system properties (https.proxyHost, http.proxyHost,
		 * http.nonProxyHosts) apply.
		 */
		private final Proxy proxy = new Proxy();

		/**
		 * TLS settings of the connections to CXone.
		 */
		private final Ssl ssl = new Ssl();

		public Proxy getProxy() {
			return this.proxy;
		}

		public Ssl getSsl() {
			return this.ssl;
		}

		public DataSize getMaxReplayBodySize() {
			return this.maxReplayBodySize;
		}

		public void setMaxReplayBodySize(DataSize maxReplayBodySize) {
			this.maxReplayBodySize = maxReplayBodySize;
		}

		public int getMaxConnections() {
			return this.maxConnections;
		}

		public void setMaxConnections(int maxConnections) {
			this.maxConnections = maxConnections;
		}

		public Duration getConnectTimeout() {
			return this.connectTimeout;
		}

		public void setConnectTimeout(Duration connectTimeout) {
			this.connectTimeout = connectTimeout;
		}

		public Duration getResponseTimeout() {
			return this.responseTimeout;
		}

		public void setResponseTimeout(Duration responseTimeout) {
			this.responseTimeout = responseTimeout;
		}

	}

	/**
	 * Outbound HTTP proxy properties.
	 */
	public static class Proxy {

		/**
		 * Host name or IP address of the HTTP proxy, like proxy.corp.example (no scheme).
		 */
		private String host;

		/**
		 * Port of the HTTP proxy, like 3128. Required with a host.
		 */
		private Integer port;

		/**
		 * User name for the proxy's Basic authentication.
		 */
		private String username;

		/**
		 * Password for the proxy's Basic authentication.
		 */
		private String password;

		/**
		 * Hosts reached directly, not through the proxy (this one, or the JVM's), in the
		 * syntax of the JVM's http.nonProxyHosts: a host name or address, or a pattern that
		 * starts or ends with '*', like *.corp.example. Loopback is always reached directly.
		 */
		private List<String> nonProxyHosts = new ArrayList<>();

		/**
		 * How long nothing is sent through the proxy after it refused the credentials
		 * (407), so that a wrong password does not lock the account out; doubles with each
		 * further refusal, up to 64 times.
		 */
		private Duration refusalBackoff = Duration.ofSeconds(60);

		public Duration getRefusalBackoff() {
			return this.refusalBackoff;
		}

		public void setRefusalBackoff(Duration refusalBackoff) {
			this.refusalBackoff = refusalBackoff;
		}

		public String getHost() {
			return this.host;
		}

		public void setHost(String host) {
			this.host = host;
		}

		public Integer getPort() {
			return this.port;
		}

		public void setPort(Integer port) {
			this.port = port;
		}

		public String getUsername() {
			return this.username;
		}

		public void setUsername(String username) {
			this.username = username;
		}

		public String getPassword() {
			return this.password;
		}

		public void setPassword(String password) {
			this.password = password;
		}

		public List<String> getNonProxyHosts() {
			return this.nonProxyHosts;
		}

		public void setNonProxyHosts(List<String> nonProxyHosts) {
			this.nonProxyHosts = nonProxyHosts;
		}

		@Override
		public String toString() {
			return "Proxy[host=" + this.host + ", port=" + this.port + ", username=" + this.username
					+ ", password=" + ((this.password != null) ? "[redacted]" : null) + ", nonProxyHosts="
					+ this.nonProxyHosts + "]";
		}

	}

	/**
	 * TLS properties.
	 */
	public static class Ssl {

		/**
		 * Name of an SSL bundle (spring.ssl.bundle.*) whose trust material is used for the
		 * connections to CXone only, like a corporate CA that inspects TLS. Without it the
		 * JVM's default trust store applies.
		 */
		private String bundle;

		public String getBundle() {
			return this.bundle;
		}

		public void setBundle(String bundle) {
			this.bundle = bundle;
		}

	}

	/**
	 * Retry properties, for API calls made through CxoneWebClient.
	 */
	public static class Retry {

		/**
		 * Whether to retry API calls that CXone answers with 429, 502, 503 or 504, or that
		 * fail to connect or time out.
		 */
		private boolean enabled = true;

		/**
		 * Attempts of an API call in all, the first included.
		 */
		private int maxAttempts = 4;

		/**
		 * Wait before the first retry when CXone sends no Retry-After.
		 */
		private Duration initialBackoff = Duration.ofSeconds(1);

		/**
		 * Factor by which the wait grows with each retry.
		 */
		private double multiplier = 2;

		/**
		 * Longest wait between two attempts when CXone sends no Retry-After.
		 */
		private Duration maxBackoff = Duration.ofSeconds(30);

		/**
		 * Longest Retry-After that is waited for; a longer one fails the call at once with
		 * a rate-limit error.
		 */
		private Duration maxRetryAfter = Duration.ofSeconds(60);

		/**
		 * Whether non-idempotent calls (POST, PATCH) are retried after 502, 503, 504, broken
		 * connections and response timeouts too. 429, and a connection that could not be
		 * made, are retried for every method.
		 */
		private boolean retryNonIdempotent;

		public boolean isEnabled() {
			return this.enabled;
		}

		public void setEnabled(boolean enabled) {
			this.enabled = enabled;
		}

		public int getMaxAttempts() {
			return this.maxAttempts;
		}

		public void setMaxAttempts(int maxAttempts) {
			this.maxAttempts = maxAttempts;
		}

		public Duration getInitialBackoff() {
			return this.initialBackoff;
		}

		public void setInitialBackoff(Duration initialBackoff) {
			this.initialBackoff = initialBackoff;
		}

		public double getMultiplier() {
			return this.multiplier;
		}

		public void setMultiplier(double multiplier) {
			this.multiplier = multiplier;
		}

		public Duration getMaxBackoff() {
			return this.maxBackoff;
		}

		public void setMaxBackoff(Duration maxBackoff) {
			this.maxBackoff = maxBackoff;
		}

		public Duration getMaxRetryAfter() {
			return this.maxRetryAfter;
		}

		public void setMaxRetryAfter(Duration maxRetryAfter) {
			this.maxRetryAfter = maxRetryAfter;
		}

		public boolean isRetryNonIdempotent() {
			return this.retryNonIdempotent;
		}

		public void setRetryNonIdempotent(boolean retryNonIdempotent) {
			this.retryNonIdempotent = retryNonIdempotent;
		}

	}

	/**
	 * Health indicator properties.
	 */
	public static class Health {

		/**
		 * Path, relative to the base URL, that the health indicator calls. Defaults to
		 * /platform/v1/whoami, or /inContactAPI/services/v23.0/server-time in access-key
		 * mode.
		 */
		private String whoamiPath;

		/**
		 * How long the health check call may take.
		 */
		private Duration timeout = Duration.ofSeconds(5);

		/**
		 * How long a health result is reused before CXone is called again.
		 */
		private Duration cacheTtl = Duration.ofSeconds(30);

		public String getWhoamiPath() {
			return this.whoamiPath;
		}

		public void setWhoamiPath(String whoamiPath) {
			this.whoamiPath = whoamiPath;
		}

		public Duration getTimeout() {
			return this.timeout;
		}

		public void setTimeout(Duration timeout) {
			this.timeout = timeout;
		}

		public Duration getCacheTtl() {
			return this.cacheTtl;
		}

		public void setCacheTtl(Duration cacheTtl) {
			this.cacheTtl = cacheTtl;
		}

	}

	/**
	 * Discovery properties, for access-key mode.
	 */
	public static class Discovery {

		/**
		 * Whether a discovery failure at start-up stops the application. When false, it
		 * starts anyway and discovery is tried again on the first call.
		 */
		private boolean failFast = true;

		/**
		 * How long discovery at start-up may take.
		 */
		private Duration timeout = Duration.ofSeconds(30);

		public boolean isFailFast() {
			return this.failFast;
		}

		public void setFailFast(boolean failFast) {
			this.failFast = failFast;
		}

		public Duration getTimeout() {
			return this.timeout;
		}

		public void setTimeout(Duration timeout) {
			this.timeout = timeout;
		}

	}

}
