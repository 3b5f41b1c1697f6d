package io.github.cxonestarter.cxone;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The definition of a tenant registered with {@link CxoneClients} at run time, for
 * tenants kept in a database: the same keys that {@code cxone.tenants.<name>.*} takes,
 * without the prefix ({@code subdomain}, {@code client-id}, {@code token.timeout}, ...). A
 * key it leaves out takes the application's top-level {@code cxone.*} value, and it is
 * validated as those properties are: a key that no property has is refused, and so is a
 * {@code null} value (leave the key out instead). Immutable; {@link #toString()} names its
 * keys, never a value.
 *
 * @since 0.1.0
 */
public final class CxoneTenantDefinition {

	private final Map<String, Object> properties;

	private CxoneTenantDefinition(Map<String, Object> properties) {
		properties.forEach((key, value) -> {
			if (key == null || value == null) {
				// A null column must not quietly take the top-level value, a secret perhaps.
				throw new IllegalArgumentException("The value of '" + key + "' in a CXone tenant definition is null. "
						+ "Leave the key out to take the top-level cxone." + key + ", or give a value.");
			}
		});
		this.properties = Collections.unmodifiableMap(properties);
	}

	/**
	 * Return a definition with the given properties.
	 * @param properties values by key, like {@code subdomain} or {@code retry.max-attempts}
	 * @return the definition
	 */
	public static CxoneTenantDefinition of(Map<String, ?> properties) {
		return new CxoneTenantDefinition(new LinkedHashMap<>(properties));
	}

	/**
	 * Return a definition of a tenant that logs in with an API key's client ID and secret
	 * ({@code auth-mode=client-credentials}).
	 * @param subdomain the tenant's subdomain, as in https://{subdomain}.api.nice.incontact.com
	 * @param clientId the API key's client ID
	 * @param clientSecret the API key's client secret
	 * @return the definition
	 */
	public static CxoneTenantDefinition clientCredentials(String subdomain, String clientId, String clientSecret) {
		Map<String, Object> properties = new LinkedHashMap<>();
		properties.put("auth-mode", "client-credentials");
		properties.put("subdomain", subdomain);
		properties.put("client-id", clientId);
		properties.put("client-secret", clientSecret);
		return new CxoneTenantDefinition(properties);
	}

	/**
	 * Return a definition of a tenant that logs in with an access key
	 * ({@code auth-mode=access-key}); the client ID and secret of an application
	 * registered with NICE, if any, are usually the top-level ones.
	 * @param accessKeyId the access key's ID
	 * @param accessKeySecret the access key's secret
	 * @return the definition
	 */
	public static CxoneTenantDefinition accessKey(String accessKeyId, String accessKeySecret) {
		Map<String, Object> properties = new LinkedHashMap<>();
		properties.put("auth-mode", "access-key");
		properties.put("access-key-id", accessKeyId);
		properties.put("access-key-secret", accessKeySecret);
		return new CxoneTenantDefinition(properties);
	}

	/**
	 * Return a copy of this definition with one more property.
	 * @param key the key, like {@code base-url} or {@code http.max-connections}
	 * @param value the value
	 * @return the new definition
	 */
	public CxoneTenantDefinition with(String key, Object value) {
		Map<String, Object> properties = new LinkedHashMap<>(this.properties);
		properties.put(key, value);
		return new CxoneTenantDefinition(properties);
	}

	/**
	 * Return the properties, by key, secrets included.
	 * @return the properties
	 */
	public Map<String, Object> getProperties() {
		return this.properties;
	}

	@Override
	public String toString() {
		return "CxoneTenantDefinition" + this.properties.keySet();
	}

}
