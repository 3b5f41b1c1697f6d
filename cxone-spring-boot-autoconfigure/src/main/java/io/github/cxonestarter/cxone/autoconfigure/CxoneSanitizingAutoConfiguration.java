package io.github.cxonestarter.cxone.autoconfigure;

import java.util.Locale;

import org.springframework.boot.actuate.endpoint.SanitizingFunction;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;

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

	@Bean
	@ConditionalOnMissingBean(name = "cxoneSecretsSanitizingFunction")
	SanitizingFunction cxoneSecretsSanitizingFunction() {
		return SanitizingFunction.sanitizeValue().ifKeyMatches(CxoneSanitizingAutoConfiguration::isCxoneSecret);
	}

	/**
	 * Return whether a key names a secret of the starter's, in any form relaxed binding
	 * accepts: {@code cxone.client-secret}, {@code cxone.accessKeySecret},
	 * {@code CXONE_ACCESS_KEY_SECRET}, and the same under any {@code cxone.*} prefix.
	 */
	static boolean isCxoneSecret(String key) {
		String bare = key.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]", "");
		return bare.startsWith("cxone") && (bare.endsWith("clientsecret") || bare.endsWith("accesskeysecret"));
	}

}
