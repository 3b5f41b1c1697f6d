package io.github.cxonestarter.cxone;

import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.function.UnaryOperator;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Renames the {@code cxone.*} properties, and the environment variables that set them,
 * that a message names, as one tenant of {@link CxoneClients} has them: its own key, like
 * {@code cxone.tenants.east.client-secret (CXONE_TENANTS_EAST_CLIENT_SECRET)}, or the
 * top-level one it inherits. Only whole names of the starter's properties are renamed: a
 * host like {@code cxone.niceincontact.com}, and a name already a tenant's, are left alone.
 *
 * @since 0.1.0
 */
public final class PropertyNames {

	private static final List<String> KEYS = List.of("auth-mode", "issuer", "access-key-id", "access-key-secret",
			"subdomain", "client-id", "client-secret", "scopes", "base-url", "token-uri", "client-authentication-method",
			"token.refresh-skew", "token.default-lifetime", "token.max-attempts", "token.initial-backoff", "token.timeout",
			"token.refusal-backoff", "http.connect-timeout", "http.response-timeout", "http.max-connections",
			"http.max-replay-body-size", "http.proxy.host", "http.proxy.port", "http.proxy.username",
			"http.proxy.password", "http.proxy.non-proxy-hosts", "http.proxy.refusal-backoff", "http.ssl.bundle",
			"retry.enabled", "retry.max-attempts", "retry.initial-backoff", "retry.multiplier", "retry.max-backoff",
			"retry.max-retry-after", "retry.retry-non-idempotent", "health.whoami-path", "health.timeout",
			"health.cache-ttl", "discovery.fail-fast", "discovery.timeout");

	private static final Pattern PROPERTY = Pattern.compile("(?<![\\w.-])cxone\\.(" + alternatives(KEYS) + ")(?![\\w-])");

	private static final Pattern VARIABLE = Pattern.compile("(?<![\\w])CXONE_("
			+ alternatives(KEYS.stream().map(PropertyNames::variableOf).toList()) + ")(?![\\w])");

	private PropertyNames() {
	}

	private static String alternatives(List<String> names) {
		// Longest first, so that a name is never matched by one that it begins with.
		return names.stream()
			.sorted(Comparator.comparingInt(String::length).reversed())
			.map(Pattern::quote)
			.collect(Collectors.joining("|"));
	}

	private static String variableOf(String key) {
		return key.replace('.', '_').replace('-', '_').toUpperCase(Locale.ROOT);
	}

	/**
	 * Return the environment variable that sets a property through relaxed binding.
	 * @param property the property
	 * @return the variable
	 */
	public static String environmentVariable(String property) {
		return variableOf(property);
	}

	/**
	 * Return a property as messages name it: with the environment variable that sets it.
	 * @param property the property, like {@code cxone.base-url}
	 * @return the description, like {@code cxone.base-url (CXONE_BASE_URL)}
	 */
	public static String described(String property) {
		return property + " (" + environmentVariable(property) + ")";
	}

	/**
	 * Rename the properties and variables a message names.
	 * @param message the message
	 * @param naming the tenant's name of a {@code cxone.*} property
	 * @return the message with the tenant's names
	 */
	static String rename(String message, UnaryOperator<String> naming) {
		String properties = PROPERTY.matcher(message)
			.replaceAll((match) -> Matcher.quoteReplacement(naming.apply("cxone." + match.group(1))));
		return VARIABLE.matcher(properties).replaceAll((match) -> {
			String key = KEYS.stream().filter((candidate) -> variableOf(candidate).equals(match.group(1))).findFirst()
				.orElseThrow();
			return Matcher.quoteReplacement(environmentVariable(naming.apply("cxone." + key)));
		});
	}

}
