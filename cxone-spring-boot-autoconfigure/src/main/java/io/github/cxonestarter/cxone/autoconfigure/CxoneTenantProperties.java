package io.github.cxonestarter.cxone.autoconfigure;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import java.util.function.UnaryOperator;

import io.github.cxonestarter.cxone.CxoneClients;
import io.github.cxonestarter.cxone.CxoneTenantDefinition;
import io.github.cxonestarter.cxone.PropertyNames;

import org.springframework.boot.context.properties.bind.BindException;
import org.springframework.boot.context.properties.bind.BindHandler;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.bind.UnboundConfigurationPropertiesException;
import org.springframework.boot.context.properties.bind.handler.NoUnboundElementsBindHandler;
import org.springframework.boot.context.properties.source.ConfigurationPropertyName;
import org.springframework.boot.context.properties.source.ConfigurationPropertySource;
import org.springframework.boot.context.properties.source.ConfigurationPropertySources;
import org.springframework.boot.context.properties.source.ConfigurationPropertyState;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;
import org.springframework.boot.context.properties.source.UnboundElementsSourceFilter;
import org.springframework.core.env.Environment;

/**
 * Resolves one tenant's properties: the top-level {@code cxone.*} ones, with the tenant's
 * own ({@code cxone.tenants.<name>.*}, or a {@link CxoneTenantDefinition}) over them.
 * Keys that only mean something together are taken together: a tenant that sets any of
 * {@code subdomain}, {@code base-url} and {@code token-uri} takes none of the three from
 * the top level (its secret must not go to another tenant's host), and the same holds for
 * {@code client-id} with {@code client-secret}, and {@code access-key-id} with
 * {@code access-key-secret}, and the proxy's host, port, credentials and non-proxy hosts.
 * Keys are compared as the binder reads them ({@code baseUrl} is {@code base-url}), and a
 * key that no property has is refused. Errors name the key that holds the value: the tenant's when it
 * sets it or must, the top-level one when the value is inherited.
 */
final class CxoneTenantProperties {

	private static final String TOP_LEVEL = "cxone.";

	private static final String TENANTS = "cxone.tenants";

	private static final List<List<String>> TAKEN_TOGETHER = List.of(List.of("subdomain", "base-url", "token-uri"),
			List.of("client-id", "client-secret"), List.of("access-key-id", "access-key-secret"),
			List.of("http.proxy.host", "http.proxy.port", "http.proxy.username", "http.proxy.password",
					"http.proxy.non-proxy-hosts"));

	private static final List<String> NOT_FOR_A_TENANT = List.of("enabled", "multi-tenant", "tenants");

	private final Iterable<ConfigurationPropertySource> sources;

	private final Binder binder;

	CxoneTenantProperties(Environment environment) {
		this.sources = ConfigurationPropertySources.get(environment);
		this.binder = Binder.get(environment);
	}

	/**
	 * Return whether the environment configures any {@code cxone.tenants.*} key.
	 * @param environment the environment
	 * @return whether tenants are configured
	 */
	static boolean hasTenants(Environment environment) {
		ConfigurationPropertyName tenants = ConfigurationPropertyName.of(TENANTS);
		for (ConfigurationPropertySource source : ConfigurationPropertySources.get(environment)) {
			if (source.containsDescendantOf(tenants) == ConfigurationPropertyState.PRESENT) {
				return true;
			}
		}
		return false;
	}

	/**
	 * Return whether any {@code cxone.tenants.*} key is set.
	 * @return whether one is
	 */
	boolean hasTenantKeys() {
		return isPresent(this.sources, TENANTS);
	}

	/**
	 * Return the prefix of a tenant's keys.
	 * @param tenant the tenant's name
	 * @return the prefix, like {@code cxone.tenants.east.}
	 */
	static String prefix(String tenant) {
		return TENANTS + "." + tenant + ".";
	}

	/**
	 * Resolve a tenant configured under {@code cxone.tenants.<name>.*}.
	 * @param name the tenant's name
	 * @return its properties
	 * @throws InvalidCxonePropertiesException when a key cannot be a tenant's
	 */
	Resolved configured(String name) {
		String prefix = checkedPrefix(name);
		Predicate<String> sets = (key) -> isPresent(this.sources, prefix + key);
		CxoneProperties properties = inherited(prefix, sets);
		bind(this.binder, name, prefix, properties);
		return new Resolved(properties, naming(prefix, sets));
	}

	/**
	 * Resolve a tenant registered at run time.
	 * @param name the tenant's name
	 * @param definition its definition
	 * @return its properties
	 * @throws InvalidCxonePropertiesException when a key is unknown, cannot be a tenant's,
	 * or holds a value of the wrong type
	 */
	Resolved defined(String name, CxoneTenantDefinition definition) {
		String prefix = checkedPrefix(name);
		Map<String, Object> named = new LinkedHashMap<>();
		definition.getProperties().forEach((key, value) -> named.put(prefix + key, value));
		List<ConfigurationPropertySource> source = List.of(new MapConfigurationPropertySource(named));
		// As the binder reads the keys: baseUrl is base-url.
		Predicate<String> sets = (key) -> isPresent(source, prefix + key);
		CxoneProperties properties = inherited(prefix, sets);
		bind(new Binder(source), name, prefix, properties);
		return new Resolved(properties, naming(prefix, sets));
	}

	/**
	 * Bind a tenant's own keys over what it inherits; a key that no property has is an
	 * error, not a value quietly taken from the top level.
	 */
	private static void bind(Binder binder, String name, String prefix, CxoneProperties properties) {
		try {
			binder.bind(prefix.substring(0, prefix.length() - 1), Bindable.ofInstance(properties),
					// As Boot does for ignoreUnknownFields=false: environment variables and system
					// properties name no key exactly enough to be called unknown.
					new NoUnboundElementsBindHandler(BindHandler.DEFAULT, new UnboundElementsSourceFilter()));
		}
		catch (BindException ex) {
			throw new InvalidCxonePropertiesException(List.of(), List.of(bindProblem(name, ex)));
		}
	}

	private static String bindProblem(String name, BindException ex) {
		if (ex.getCause() instanceof UnboundConfigurationPropertiesException unbound) {
			List<String> unknown = unbound.getUnboundProperties().stream().map((property) -> property.getName().toString())
				.sorted()
				.toList();
			return "CXone tenant '" + name + "' has keys that no property has: " + String.join(", ", unknown)
					+ ". A tenant takes the keys of cxone.*, like subdomain, client-id or retry.max-attempts.";
		}
		// The binder's message names the key; a value is not repeated, as it may be a secret.
		return ex.getName() + " of CXone tenant '" + name + "' could not be bound: "
				+ ((ex.getCause() != null) ? ex.getCause().getClass().getSimpleName() : "invalid value")
				+ ". Give it a value of the property's type, as in cxone.* properties.";
	}

	private static String checkedPrefix(String name) {
		String prefix = prefix(name);
		try {
			CxoneClients.checkName(name);
		}
		catch (IllegalArgumentException ex) {
			throw new InvalidCxonePropertiesException(List.of(), List.of(prefix + "* " + ex.getMessage()));
		}
		return prefix;
	}

	/**
	 * Return the top-level properties a tenant inherits: all of them but those taken
	 * together with a key it sets.
	 */
	private CxoneProperties inherited(String prefix, Predicate<String> sets) {
		List<String> problems = new ArrayList<>();
		for (String key : NOT_FOR_A_TENANT) {
			if (sets.test(key)) {
				String property = prefix + key;
				problems.add(PropertyNames.described(property) + " is set, but it means nothing for one tenant; set cxone."
						+ key + " at the top level, or leave it out.");
			}
		}
		if (!problems.isEmpty()) {
			throw new InvalidCxonePropertiesException(List.of(), problems);
		}
		CxoneProperties properties = this.binder.bind("cxone", Bindable.of(CxoneProperties.class))
			.orElseGet(CxoneProperties::new);
		properties.getTenants().clear();
		for (List<String> together : TAKEN_TOGETHER) {
			if (together.stream().anyMatch(sets)) {
				together.forEach((key) -> clear(properties, key));
			}
		}
		return properties;
	}

	private static void clear(CxoneProperties properties, String key) {
		switch (key) {
			case "subdomain" -> properties.setSubdomain(null);
			case "base-url" -> properties.setBaseUrl(null);
			case "token-uri" -> properties.setTokenUri(null);
			case "client-id" -> properties.setClientId(null);
			case "client-secret" -> properties.setClientSecret(null);
			case "access-key-id" -> properties.setAccessKeyId(null);
			case "access-key-secret" -> properties.setAccessKeySecret(null);
			case "http.proxy.host" -> properties.getHttp().getProxy().setHost(null);
			case "http.proxy.port" -> properties.getHttp().getProxy().setPort(null);
			case "http.proxy.username" -> properties.getHttp().getProxy().setUsername(null);
			case "http.proxy.password" -> properties.getHttp().getProxy().setPassword(null);
			case "http.proxy.non-proxy-hosts" -> properties.getHttp().getProxy().setNonProxyHosts(new ArrayList<>());
			default -> throw new IllegalArgumentException(key);
		}
	}

	/**
	 * Return how errors name a property: as the top-level key when the tenant inherits its
	 * value, as the tenant's own otherwise.
	 */
	private UnaryOperator<String> naming(String prefix, Predicate<String> sets) {
		return (property) -> {
			String key = property.substring(TOP_LEVEL.length());
			boolean own = sets.test(key) || TAKEN_TOGETHER.stream()
				.anyMatch((together) -> together.contains(key) && together.stream().anyMatch(sets));
			return (!own && isPresent(this.sources, property)) ? property : prefix + key;
		};
	}

	private static boolean isPresent(Iterable<ConfigurationPropertySource> sources, String property) {
		ConfigurationPropertyName name = ConfigurationPropertyName.of(property);
		for (ConfigurationPropertySource source : sources) {
			if (source.getConfigurationProperty(name) != null
					|| source.containsDescendantOf(name) == ConfigurationPropertyState.PRESENT) {
				return true;
			}
		}
		return false;
	}

	/**
	 * A tenant's resolved properties.
	 *
	 * @param properties the properties, those it inherits included
	 * @param naming how errors name a {@code cxone.*} property of it
	 */
	record Resolved(CxoneProperties properties, UnaryOperator<String> naming) {

	}

}
