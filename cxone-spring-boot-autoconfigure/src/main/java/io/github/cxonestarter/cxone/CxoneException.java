package io.github.cxonestarter.cxone;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Base class of the errors that the CXone starter raises. Every message names the cause
 * and the fix, and never carries a client secret or a token. An error of a tenant of
 * {@link CxoneClients} names that tenant's properties, like
 * {@code cxone.tenants.east.client-secret (CXONE_TENANTS_EAST_CLIENT_SECRET)}.
 *
 * @since 0.1.0
 */
public abstract class CxoneException extends RuntimeException {

	private static final String KEYS = "subdomain|client-id|client-secret|scopes|base-url|token-uri|issuer|access-key-id"
			+ "|access-key-secret|client-authentication-method|auth-mode";

	private static final Pattern PROPERTY = Pattern
		.compile("\\bcxone\\.((?:" + KEYS + ")\\b|(?:token|retry|health|http|discovery)\\.[a-z0-9.-]*[a-z0-9])");

	private static final Pattern VARIABLE = Pattern.compile("\\bCXONE_((?:" + KEYS.toUpperCase(Locale.ROOT).replace('-', '_')
			+ ")\\b|(?:TOKEN|RETRY|HEALTH|HTTP|DISCOVERY)_[A-Z0-9_]*[A-Z0-9])");

	private volatile String propertyPrefix;

	protected CxoneException(String message) {
		super(message);
	}

	protected CxoneException(String message, Throwable cause) {
		super(message, cause);
	}

	/**
	 * Name the properties in this error's message as those of a tenant, as in
	 * {@code cxone.tenants.east.}; done by {@link CxoneClients}' clients, once.
	 * @param prefix the prefix of the tenant's properties
	 * @return this error
	 */
	public CxoneException forTenant(String prefix) {
		if (this.propertyPrefix == null) {
			this.propertyPrefix = prefix;
		}
		return this;
	}

	@Override
	public String getMessage() {
		String message = super.getMessage();
		String prefix = this.propertyPrefix;
		return (prefix != null && message != null) ? named(message, prefix) : message;
	}

	private static String named(String message, String prefix) {
		String renamed = PROPERTY.matcher(message).replaceAll((match) -> Matcher.quoteReplacement(prefix + match.group(1)));
		String variables = prefix.replace('.', '_').replace('-', '_').toUpperCase(Locale.ROOT);
		return VARIABLE.matcher(renamed).replaceAll((match) -> Matcher.quoteReplacement(variables + match.group(1)));
	}

}
