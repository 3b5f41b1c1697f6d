package io.github.cxonestarter.cxone.autoconfigure;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

import io.github.cxonestarter.cxone.token.SecretForms;

import org.springframework.boot.actuate.endpoint.SanitizingFunction;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.source.ConfigurationPropertyName;
import org.springframework.boot.context.properties.source.ConfigurationPropertySource;
import org.springframework.boot.context.properties.source.ConfigurationPropertySources;
import org.springframework.boot.context.properties.source.IterableConfigurationPropertySource;
import org.springframework.context.annotation.Bean;
import org.springframework.core.env.Environment;

/**
 * {@link org.springframework.boot.autoconfigure.EnableAutoConfiguration
 * Auto-configuration} that keeps the starter's secrets out of Actuator's
 * {@code /configprops} and {@code /env}, even when an application sets
 * {@code management.endpoint.*.show-values=always} to see its other values: Boot no longer
 * masks keys by their names.
 *
 * @since 0.1.0
 */
@AutoConfiguration
@ConditionalOnClass(SanitizingFunction.class)
public final class CxoneSanitizingAutoConfiguration {

	/**
	 * The secrets the starter sends: its own, and the JVM's proxy passwords, which it
	 * uses when cxone.http.proxy.* names no proxy.
	 */
	private static final ConfigurationPropertyName TENANTS = ConfigurationPropertyName.of("cxone.tenants");

	private static final List<String> SECRETS = List.of("cxone.client-secret", "cxone.access-key-secret",
			"cxone.http.proxy.password", "https.proxyPassword", "http.proxyPassword");

	@Bean
	@ConditionalOnMissingBean(name = "cxoneSecretsSanitizingFunction")
	SanitizingFunction cxoneSecretsSanitizingFunction(Environment environment) {
		// By key, and by value: the secret also reaches /env inside spring.application.json
		// (SPRING_APPLICATION_JSON) and under the application's own key that a placeholder
		// hands to cxone.*, which /env resolves.
		return SanitizingFunction.sanitizeValue()
			.ifKeyMatches(CxoneSanitizingAutoConfiguration::isCxoneSecret)
			.ifValueStringMatches((value) -> containsCxoneSecret(environment, value));
	}

	/**
	 * Return whether a value carries a secret of the starter's as it is bound now, in any
	 * of the encodings that {@link SecretForms} finds, as messages are redacted.
	 */
	static boolean containsCxoneSecret(Environment environment, String value) {
		for (String property : secretProperties(environment)) {
			String secret;
			try {
				secret = environment.getProperty(property);
			}
			catch (IllegalArgumentException ex) {
				// An unresolvable placeholder: there is no value to look for.
				continue;
			}
			if (secret != null && !secret.isEmpty() && SecretForms.pattern(secret).matcher(value).find()) {
				return true;
			}
		}
		return false;
	}

	/**
	 * Return the top-level secrets and those of every tenant under cxone.tenants.*, by
	 * their canonical names, which the environment resolves in any form relaxed binding
	 * accepts.
	 */
	private static Set<String> secretProperties(Environment environment) {
		Set<String> properties = new LinkedHashSet<>(SECRETS);
		for (ConfigurationPropertySource source : ConfigurationPropertySources.get(environment)) {
			if (source instanceof IterableConfigurationPropertySource iterable) {
				iterable.filter(TENANTS::isAncestorOf)
					.stream()
					.map(ConfigurationPropertyName::toString)
					.filter(CxoneSanitizingAutoConfiguration::isCxoneSecret)
					.forEach(properties::add);
			}
		}
		return properties;
	}

	/**
	 * Return whether a key names a secret of the starter's, in any form relaxed binding
	 * accepts: {@code cxone.client-secret}, {@code cxone.accessKeySecret},
	 * {@code CXONE_ACCESS_KEY_SECRET}, {@code cxone.http.proxy.password}, and the same under
	 * any {@code cxone.*} prefix; and the JVM's {@code https.proxyPassword} and
	 * {@code http.proxyPassword}, which the starter sends to a proxy the JVM names.
	 */
	static boolean isCxoneSecret(String key) {
		String bare = key.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]", "");
		return (bare.startsWith("cxone") && (bare.endsWith("clientsecret") || bare.endsWith("accesskeysecret")
				|| bare.endsWith("proxypassword"))) || bare.equals("httpsproxypassword") || bare.equals("httpproxypassword");
	}

}
