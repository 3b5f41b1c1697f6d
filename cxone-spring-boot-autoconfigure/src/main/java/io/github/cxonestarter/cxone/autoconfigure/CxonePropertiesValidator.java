package io.github.cxonestarter.cxone.autoconfigure;

import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

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

	private static final Pattern DNS_LABEL = Pattern.compile("[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?");

	private static final Pattern IPV4_LOOPBACK = Pattern.compile("127(\\.(25[0-5]|2[0-4]\\d|1?\\d?\\d)){3}");

	private final List<String> missing = new ArrayList<>();

	private final List<String> problems = new ArrayList<>();

	/**
	 * Validate the properties.
	 * @param properties the properties
	 * @return the endpoints to use
	 * @throws InvalidCxonePropertiesException when a value is missing or invalid
	 */
	public static CxoneEndpoints validate(CxoneProperties properties) {
		return new CxonePropertiesValidator().check(properties);
	}

	/**
	 * Return the environment variable that sets a property through relaxed binding.
	 * @param property the property name
	 * @return the environment variable name
	 */
	public static String environmentVariable(String property) {
		return property.replace('.', '_').replace('-', '_').toUpperCase(Locale.ROOT);
	}

	private CxoneEndpoints check(CxoneProperties properties) {
		String subdomain = properties.getSubdomain();
		boolean bothUrls = StringUtils.hasText(properties.getBaseUrl()) && StringUtils.hasText(properties.getTokenUri());
		if (!StringUtils.hasText(subdomain) && !bothUrls) {
			this.missing.add("cxone.subdomain");
		}
		requireText("cxone.client-id", properties.getClientId());
		requireText("cxone.client-secret", properties.getClientSecret());
		boolean subdomainUsable = StringUtils.hasText(subdomain) && DNS_LABEL.matcher(subdomain).matches();
		if (StringUtils.hasText(subdomain) && !subdomainUsable) {
			problem("cxone.subdomain", "is '" + subdomain + "', which is not a DNS label; it would change the host "
					+ "the client secret is sent to. Use only letters, digits and hyphens, like 'mycompany' for "
					+ "https://mycompany.api.nice.incontact.com");
		}
		URI baseUrl = null;
		if (StringUtils.hasText(properties.getBaseUrl())) {
			baseUrl = checkUrl("cxone.base-url", properties.getBaseUrl());
		}
		else if (subdomainUsable) {
			baseUrl = URI.create("https://" + subdomain + ".api.nice.incontact.com");
		}
		URI tokenUri = null;
		if (StringUtils.hasText(properties.getTokenUri())) {
			tokenUri = checkUrl("cxone.token-uri", properties.getTokenUri());
		}
		else if (baseUrl != null) {
			tokenUri = URI.create(stripTrailingSlash(baseUrl.toString()) + "/oauth2/token");
		}
		CxoneProperties.Token token = properties.getToken();
		requirePositive("cxone.token.refresh-skew", token.getRefreshSkew());
		requirePositive("cxone.token.default-lifetime", token.getDefaultLifetime());
		requirePositive("cxone.token.initial-backoff", token.getInitialBackoff());
		if (token.getMaxAttempts() < 1) {
			problem("cxone.token.max-attempts", "is " + token.getMaxAttempts() + "; it must be at least 1, like 3");
		}
		requirePositive("cxone.http.connect-timeout", properties.getHttp().getConnectTimeout());
		requirePositive("cxone.http.response-timeout", properties.getHttp().getResponseTimeout());
		if (properties.getHttp().getMaxConnections() < 1) {
			problem("cxone.http.max-connections",
					"is " + properties.getHttp().getMaxConnections() + "; it must be at least 1, like 100");
		}
		CxoneProperties.Retry retry = properties.getRetry();
		if (retry.getMaxAttempts() < 1) {
			problem("cxone.retry.max-attempts", "is " + retry.getMaxAttempts() + "; it must be at least 1, like 4");
		}
		requirePositive("cxone.retry.initial-backoff", retry.getInitialBackoff());
		requirePositive("cxone.retry.max-backoff", retry.getMaxBackoff());
		requirePositive("cxone.retry.max-retry-after", retry.getMaxRetryAfter());
		if (!(retry.getMultiplier() >= 1)) {
			problem("cxone.retry.multiplier", "is " + retry.getMultiplier() + "; it must be at least 1, like 2");
		}
		requirePositive("cxone.health.timeout", properties.getHealth().getTimeout());
		requirePositive("cxone.health.cache-ttl", properties.getHealth().getCacheTtl());
		String whoamiPath = properties.getHealth().getWhoamiPath();
		if (!StringUtils.hasText(whoamiPath) || !whoamiPath.startsWith("/") || whoamiPath.startsWith("//")) {
			problem("cxone.health.whoami-path", "is '" + whoamiPath + "'; it must be a path on the API, like "
					+ "/platform/v1/whoami");
		}
		if (!this.missing.isEmpty() || !this.problems.isEmpty()) {
			throw new InvalidCxonePropertiesException(this.missing, this.problems);
		}
		return new CxoneEndpoints(baseUrl, tokenUri);
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
		String scheme = (uri.getScheme() != null) ? uri.getScheme().toLowerCase(Locale.ROOT) : null;
		String host = uri.getHost();
		if (host == null || uri.getRawAuthority() == null || !("https".equals(scheme) || "http".equals(scheme))) {
			problem(property, "is '" + value + "', which is not an absolute http(s) URL with a host; use one like "
					+ "https://mycompany.api.nice.incontact.com");
			return null;
		}
		if (uri.getRawUserInfo() != null || uri.getRawAuthority().contains("@")) {
			problem(property, "carries user information before '@', which would change the host credentials are "
					+ "sent to; remove it");
			return null;
		}
		if (uri.getRawFragment() != null) {
			problem(property, "is '" + value + "', which has a fragment ('#'); remove it");
			return null;
		}
		if ("http".equals(scheme) && !isLoopback(host)) {
			problem(property, "is '" + value + "', which would send credentials unencrypted; use https (plain http "
					+ "is allowed only for localhost, 127.0.0.0/8 and ::1)");
			return null;
		}
		return uri;
	}

	static boolean isLoopback(String host) {
		String bare = host.toLowerCase(Locale.ROOT);
		if (bare.startsWith("[") && bare.endsWith("]")) {
			bare = bare.substring(1, bare.length() - 1);
		}
		return "localhost".equals(bare) || "::1".equals(bare) || "0:0:0:0:0:0:0:1".equals(bare)
				|| IPV4_LOOPBACK.matcher(bare).matches();
	}

	private void problem(String property, String text) {
		this.problems.add(property + " (" + environmentVariable(property) + ") " + text + ".");
	}

	private static String stripTrailingSlash(String url) {
		return url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
	}

}
