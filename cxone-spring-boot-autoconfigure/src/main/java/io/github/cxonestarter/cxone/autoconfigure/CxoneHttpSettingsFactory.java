package io.github.cxonestarter.cxone.autoconfigure;

import java.util.List;
import java.util.Properties;

import io.github.cxonestarter.cxone.PropertyNames;
import io.github.cxonestarter.cxone.http.CxoneHttpSettings;
import io.github.cxonestarter.cxone.http.CxoneProxy;

import org.springframework.boot.ssl.NoSuchSslBundleException;
import org.springframework.boot.ssl.SslBundle;
import org.springframework.boot.ssl.SslBundles;
import org.springframework.util.StringUtils;

/**
 * Resolves {@code cxone.http.*} into the {@link CxoneHttpSettings} that every client of
 * the starter is built with: the proxy from {@code cxone.http.proxy.*}, else from the
 * JVM's proxy system properties, and the SSL bundle that {@code cxone.http.ssl.bundle}
 * names. The properties themselves are checked by {@link CxonePropertiesValidator}.
 *
 * @since 0.1.0
 */
public final class CxoneHttpSettingsFactory {

	private CxoneHttpSettingsFactory() {
	}

	/**
	 * Create the settings.
	 * @param http the validated {@code cxone.http.*} properties
	 * @param systemProperties the JVM's system properties
	 * @param sslBundles the application's SSL bundles, or {@code null} when it has none
	 * @return the settings
	 * @throws InvalidCxonePropertiesException when the SSL bundle does not exist, or a
	 * proxy system property is not usable
	 */
	public static CxoneHttpSettings create(CxoneProperties.Http http, Properties systemProperties,
			SslBundles sslBundles) {
		CxoneProperties.Proxy proxy = http.getProxy();
		CxoneProxy resolved;
		if (StringUtils.hasText(proxy.getHost())) {
			resolved = CxoneProxy.of(proxy.getHost().strip(), proxy.getPort(), proxy.getUsername(), proxy.getPassword(),
					proxy.getNonProxyHosts());
		}
		else {
			try {
				resolved = CxoneProxy.fromSystemProperties(systemProperties, proxy.getNonProxyHosts());
			}
			catch (IllegalArgumentException ex) {
				throw new InvalidCxonePropertiesException(List.of(), List.of(ex.getMessage()));
			}
		}
		String bundleName = StringUtils.hasText(http.getSsl().getBundle()) ? http.getSsl().getBundle().strip() : null;
		return new CxoneHttpSettings(http.getConnectTimeout(), http.getResponseTimeout(), resolved, bundleName,
				(bundleName != null) ? bundle(bundleName, sslBundles) : null);
	}

	private static SslBundle bundle(String name, SslBundles sslBundles) {
		String property = "cxone.http.ssl.bundle";
		String prefix = PropertyNames.described(property) + " is '" + name + "', ";
		if (sslBundles == null) {
			throw new InvalidCxonePropertiesException(List.of(), List.of(prefix + "but the application has no SSL "
					+ "bundles; define one under spring.ssl.bundle.pem." + name + ".truststore.certificate (or "
					+ "spring.ssl.bundle.jks." + name + ".truststore.location)."));
		}
		try {
			return sslBundles.getBundle(name);
		}
		catch (NoSuchSslBundleException ex) {
			List<String> names = sslBundles.getBundleNames();
			throw new InvalidCxonePropertiesException(List.of(), List.of(prefix + "but there is no SSL bundle of that "
					+ "name" + (names.isEmpty() ? "" : " (there are: " + String.join(", ", names) + ")") + "; define it "
					+ "under spring.ssl.bundle.pem." + name + ".truststore.certificate (or spring.ssl.bundle.jks."
					+ name + ".truststore.location), or name an existing one."));
		}
	}

}
