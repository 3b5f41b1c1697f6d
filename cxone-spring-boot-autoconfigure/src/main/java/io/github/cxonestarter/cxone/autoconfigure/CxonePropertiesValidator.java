package io.github.cxonestarter.cxone.autoconfigure;

import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;
import java.util.regex.Pattern;

import io.github.cxonestarter.cxone.CxoneUrls;
import io.github.cxonestarter.cxone.PropertyNames;
import io.github.cxonestarter.cxone.accesskey.AccessKeyLoginClient;

import org.springframework.util.StringUtils;

/**
 * Checks {@code cxone.*} properties at start-up and resolves the endpoints from them.
 * Refuses anything that could send the client secret to a host other than the intended
 * one: a subdomain that is not a DNS label, a URL with user information or a fragment,
 * plain {@code http} to a host that is not loopback.
 *
 * @since 0.1.0
 */
public class CxonePropertiesValidator {

	private static final String OCTET = "(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)";

	private static final Pattern IP_V4 = Pattern.compile("(" + OCTET + "\\.){3}" + OCTET);

	private static final Pattern HOST_NAME = Pattern
		.compile("[A-Za-z0-9_]([A-Za-z0-9_-]{0,61}[A-Za-z0-9_])?(\\.[A-Za-z0-9_]([A-Za-z0-9_-]{0,61}[A-Za-z0-9_])?)*");

	private static final Pattern DNS_LABEL = Pattern.compile("[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?");

	private final UnaryOperator<String> naming;

	private final List<String> missing = new ArrayList<>();

	private final List<String> problems = new ArrayList<>();

	/**
	 * Validate the properties.
	 * @param properties the properties
	 * @return the endpoints to use
	 * @throws InvalidCxonePropertiesException when a value is missing or invalid
	 */
	public static CxoneEndpoints validate(CxoneProperties properties) {
		return validate(properties, UnaryOperator.identity());
	}

	/**
	 * Validate the properties of one tenant, naming each as the tenant sets or inherits it.
	 * @param properties the tenant's properties, the top-level ones it inherits included
	 * @param naming the name of a {@code cxone.*} property for this tenant, like
	 * {@code cxone.tenants.east.subdomain} for {@code cxone.subdomain}
	 * @return the endpoints to use
	 * @throws InvalidCxonePropertiesException when a value is missing or invalid
	 */
	public static CxoneEndpoints validate(CxoneProperties properties, UnaryOperator<String> naming) {
		return new CxonePropertiesValidator(naming).check(properties);
	}

	private CxonePropertiesValidator(UnaryOperator<String> naming) {
		this.naming = naming;
	}

	private String name(String property) {
		return this.naming.apply(property);
	}

	/**
	 * Return the environment variable that sets a property through relaxed binding.
	 * @param property the property name
	 * @return the environment variable name
	 */
	public static String environmentVariable(String property) {
		return PropertyNames.environmentVariable(property);
	}

	private CxoneEndpoints check(CxoneProperties properties) {
		CxoneEndpoints.Flow flow = flow(properties);
		boolean accessKey = flow != CxoneEndpoints.Flow.CLIENT_CREDENTIALS;
		String subdomain = properties.getSubdomain();
		boolean bothUrls = StringUtils.hasText(properties.getBaseUrl()) && StringUtils.hasText(properties.getTokenUri());
		if (!accessKey && !StringUtils.hasText(subdomain) && !bothUrls) {
			this.missing.add(name("cxone.subdomain"));
		}
		if (!accessKey) {
			// In access-key mode, flow() reports a client ID without a secret, or the reverse.
			requireText(name("cxone.client-id"), properties.getClientId());
			requireText(name("cxone.client-secret"), properties.getClientSecret());
		}
		if (accessKey) {
			requireText(name("cxone.access-key-id"), properties.getAccessKeyId());
			requireText(name("cxone.access-key-secret"), properties.getAccessKeySecret());
		}
		boolean subdomainUsable = StringUtils.hasText(subdomain) && DNS_LABEL.matcher(subdomain).matches();
		if (StringUtils.hasText(subdomain) && !subdomainUsable) {
			problem(name("cxone.subdomain"), "is '" + subdomain + "', which is not a DNS label; it would change the host "
					+ "the client secret is sent to. Use only letters, digits and hyphens, like 'mycompany' for "
					+ "https://mycompany.api.nice.incontact.com");
		}
		URI baseUrl = null;
		if (StringUtils.hasText(properties.getBaseUrl())) {
			baseUrl = checkUrl(name("cxone.base-url"), properties.getBaseUrl());
		}
		else if (subdomainUsable && !accessKey) {
			baseUrl = URI.create("https://" + subdomain + ".api.nice.incontact.com");
		}
		URI tokenUri = null;
		if (StringUtils.hasText(properties.getTokenUri())) {
			tokenUri = checkUrl(name("cxone.token-uri"), properties.getTokenUri());
		}
		else if (baseUrl != null && !accessKey) {
			tokenUri = URI.create(stripTrailingSlash(baseUrl.toString()) + "/oauth2/token");
		}
		else if (flow == CxoneEndpoints.Flow.ACCESS_KEY_LOGIN) {
			tokenUri = AccessKeyLoginClient.DEFAULT_ENDPOINT;
		}
		URI issuer = null;
		if (accessKey) {
			if (StringUtils.hasText(properties.getIssuer())) {
				issuer = checkUrl(name("cxone.issuer"), properties.getIssuer());
			}
			else {
				this.missing.add(name("cxone.issuer"));
			}
			requirePositive(name("cxone.discovery.timeout"), properties.getDiscovery().getTimeout());
		}
		CxoneProperties.Token token = properties.getToken();
		requirePositive(name("cxone.token.refresh-skew"), token.getRefreshSkew());
		requirePositive(name("cxone.token.default-lifetime"), token.getDefaultLifetime());
		requirePositive(name("cxone.token.initial-backoff"), token.getInitialBackoff());
		requirePositive(name("cxone.token.timeout"), token.getTimeout());
		requirePositive(name("cxone.token.refusal-backoff"), token.getRefusalBackoff());
		if (token.getMaxAttempts() < 1) {
			problem(name("cxone.token.max-attempts"), "is " + token.getMaxAttempts() + "; it must be at least 1, like 3");
		}
		requirePositive(name("cxone.http.connect-timeout"), properties.getHttp().getConnectTimeout());
		requirePositive(name("cxone.http.response-timeout"), properties.getHttp().getResponseTimeout());
		if (properties.getHttp().getMaxConnections() < 1) {
			problem(name("cxone.http.max-connections"),
					"is " + properties.getHttp().getMaxConnections() + "; it must be at least 1, like 100");
		}
		if (properties.getHttp().getMaxReplayBodySize().isNegative()) {
			problem(name("cxone.http.max-replay-body-size"), "is " + properties.getHttp().getMaxReplayBodySize()
					+ "; it must be a size of zero or more, like 1MB");
		}
		checkProxy(properties.getHttp().getProxy());
		CxoneProperties.Retry retry = properties.getRetry();
		if (retry.getMaxAttempts() < 1) {
			problem(name("cxone.retry.max-attempts"), "is " + retry.getMaxAttempts() + "; it must be at least 1, like 4");
		}
		requirePositive(name("cxone.retry.initial-backoff"), retry.getInitialBackoff());
		requirePositive(name("cxone.retry.max-backoff"), retry.getMaxBackoff());
		requirePositive(name("cxone.retry.max-retry-after"), retry.getMaxRetryAfter());
		if (!(retry.getMultiplier() >= 1)) {
			problem(name("cxone.retry.multiplier"), "is " + retry.getMultiplier() + "; it must be at least 1, like 2");
		}
		requirePositive(name("cxone.health.timeout"), properties.getHealth().getTimeout());
		requirePositive(name("cxone.health.cache-ttl"), properties.getHealth().getCacheTtl());
		String whoamiPath = properties.getHealth().getWhoamiPath();
		if (whoamiPath != null && (!whoamiPath.startsWith("/") || whoamiPath.startsWith("//"))) {
			problem(name("cxone.health.whoami-path"), "is '" + whoamiPath + "'; it must be a path on the API, like "
					+ "/platform/v1/whoami");
		}
		if (!this.missing.isEmpty() || !this.problems.isEmpty()) {
			throw new InvalidCxonePropertiesException(this.missing, this.problems);
		}
		return new CxoneEndpoints(flow, baseUrl, tokenUri, issuer);
	}

	/**
	 * Return the flow the properties ask for. In access-key mode, a client ID and secret
	 * mean the password grant of a registered application; neither means the access key
	 * alone. One without the other is a mistake, reported rather than guessed at.
	 */
	private CxoneEndpoints.Flow flow(CxoneProperties properties) {
		if (properties.getAuthMode() != CxoneProperties.AuthMode.ACCESS_KEY) {
			return CxoneEndpoints.Flow.CLIENT_CREDENTIALS;
		}
		boolean clientId = StringUtils.hasText(properties.getClientId());
		boolean clientSecret = StringUtils.hasText(properties.getClientSecret());
		bothOrNeither(name("cxone.client-id"), clientId, name("cxone.client-secret"), clientSecret, ". In access-key mode, set both "
				+ "to use the password grant of an application registered with NICE, or neither to log in with the "
				+ "access key alone");
		return (clientId || clientSecret) ? CxoneEndpoints.Flow.PASSWORD_GRANT : CxoneEndpoints.Flow.ACCESS_KEY_LOGIN;
	}

	private void checkProxy(CxoneProperties.Proxy proxy) {
		boolean host = StringUtils.hasText(proxy.getHost());
		if (host && !isHostOrAddress(proxy.getHost().strip())) {
			problem(name("cxone.http.proxy.host"), "is '" + proxy.getHost() + "', which is not a host name or IP address; "
					+ "give the host alone, like proxy.corp.example, and the port in " + name("cxone.http.proxy.port"));
		}
		if (host && proxy.getPort() == null) {
			this.missing.add(name("cxone.http.proxy.port"));
		}
		if (proxy.getPort() != null && (proxy.getPort() < 1 || proxy.getPort() > 65535)) {
			problem(name("cxone.http.proxy.port"), "is " + proxy.getPort() + "; it must be a port number, like 3128");
		}
		if (!host && (proxy.getPort() != null || StringUtils.hasText(proxy.getUsername()))) {
			problem(name("cxone.http.proxy.host"), "is not set, but " + name("cxone.http.proxy.port") + " or the proxy's credentials are; "
					+ "set the proxy's host, like proxy.corp.example");
		}
		requirePositive(name("cxone.http.proxy.refusal-backoff"), proxy.getRefusalBackoff());
		bothOrNeither(name("cxone.http.proxy.username"), StringUtils.hasText(proxy.getUsername()), name("cxone.http.proxy.password"),
				StringUtils.hasLength(proxy.getPassword()), "; the proxy's Basic authentication needs both");
	}

	/**
	 * Return whether a proxy host is a host name, an IPv4 address or an IPv6 literal
	 * (bracketed or not), and nothing more: no scheme, port, path or user information.
	 */
	private static boolean isHostOrAddress(String host) {
		if (host.matches("[0-9.]+")) {
			return IP_V4.matcher(host).matches();
		}
		if (HOST_NAME.matcher(host).matches()) {
			return true;
		}
		String bare = (host.startsWith("[") && host.endsWith("]")) ? host.substring(1, host.length() - 1) : host;
		if (bare.indexOf(':') < 0) {
			return false;
		}
		try {
			// java.net.URI checks an IPv6 literal's grammar, and looks nothing up.
			return new URI("http://[" + bare + "]/").getHost() != null;
		}
		catch (URISyntaxException ex) {
			return false;
		}
	}

	/**
	 * Report one of two properties that go together set without the other; a value is
	 * never repeated, as one of them may be a secret.
	 */
	private void bothOrNeither(String first, boolean firstSet, String second, boolean secondSet, String why) {
		if (firstSet != secondSet) {
			String set = firstSet ? first : second;
			String unset = firstSet ? second : first;
			problem(set, "is set but " + PropertyNames.described(unset) + " is not" + why);
		}
	}

	private void requireText(String property, String value) {
		if (!StringUtils.hasText(value)) {
			this.missing.add(property);
		}
	}

	private void requirePositive(String property, Duration value) {
		if (value == null || value.isNegative() || value.isZero()) {
			problem(property, "is " + value + "; it must be a positive duration, like 30s");
		}
	}

	private URI checkUrl(String property, String value) {
		URI uri;
		try {
			uri = new URI(value.strip());
		}
		catch (URISyntaxException ex) {
			problem(property, "is '" + value + "', which is not a URL; use one like https://mycompany.api.nice.incontact.com");
			return null;
		}
		String problem = CxoneUrls.problem(uri);
		if (problem != null) {
			// A URL with user information may carry a password: it is not repeated.
			String shown = (uri.getRawAuthority() != null && uri.getRawAuthority().contains("@")) ? "a URL with user information"
					: "'" + value + "'";
			problem(property, "is " + shown + ", which " + problem + "; use a URL like https://mycompany.api.nice.incontact.com");
			return null;
		}
		return uri;
	}

	private void problem(String property, String text) {
		this.problems.add(PropertyNames.described(property) + " " + text + ".");
	}

	private static String stripTrailingSlash(String url) {
		return url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
	}

}
