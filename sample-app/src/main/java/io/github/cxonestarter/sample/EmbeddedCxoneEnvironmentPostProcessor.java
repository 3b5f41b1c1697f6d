package io.github.cxonestarter.sample;

import java.util.LinkedHashMap;
import java.util.Map;

import io.github.cxonestarter.cxone.autoconfigure.CxoneProperties;
import io.github.cxonestarter.cxone.autoconfigure.CxoneTenantAssembler;
import io.github.cxonestarter.cxone.test.EmbeddedCxone;
import org.apache.commons.logging.Log;

import org.springframework.boot.EnvironmentPostProcessor;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.logging.DeferredLogFactory;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.MapPropertySource;

/**
 * Starts an embedded CXone and points {@code cxone.*} at it when neither credentials nor
 * {@code cxone.tenants.*} are configured, so that the sample runs with no tenant at all: with its API key by default,
 * or, with {@code cxone.auth-mode=access-key}, at its access-key login with its access key
 * alone (no client ID or secret).
 *
 * @since 0.1.0
 */
public class EmbeddedCxoneEnvironmentPostProcessor implements EnvironmentPostProcessor {

	private static final String[] CREDENTIALS = { "cxone.subdomain", "cxone.client-id", "cxone.client-secret",
			"cxone.base-url", "cxone.token-uri", "cxone.issuer", "cxone.access-key-id", "cxone.access-key-secret" };

	private static EmbeddedCxone embedded;

	private final Log logger;

	public EmbeddedCxoneEnvironmentPostProcessor(DeferredLogFactory logFactory) {
		this.logger = logFactory.getLog(EmbeddedCxoneEnvironmentPostProcessor.class);
	}

	@Override
	public void postProcessEnvironment(ConfigurableEnvironment environment, SpringApplication application) {
		if (!environment.getProperty("sample.embedded-cxone.enabled", Boolean.class, true)) {
			return;
		}
		for (String property : CREDENTIALS) {
			if (environment.containsProperty(property)) {
				return;
			}
		}
		if (CxoneTenantAssembler.hasTenants(environment)) {
			// cxone.tenants.* name real tenants (or the application's own stand-ins).
			return;
		}
		EmbeddedCxone cxone = start();
		boolean accessKey = Binder.get(environment)
			.bind("cxone.auth-mode", CxoneProperties.AuthMode.class)
			.map(CxoneProperties.AuthMode.ACCESS_KEY::equals)
			.orElse(false);
		Map<String, Object> properties = new LinkedHashMap<>();
		if (accessKey) {
			// The access key alone, with no client ID or secret: CXone's access-key login. The
			// API host is discovered from the issuer with the token's tenantId, as with a real
			// tenant.
			properties.put("cxone.issuer", cxone.baseUrl());
			properties.put("cxone.token-uri", cxone.accessKeyLoginUri());
			properties.put("cxone.access-key-id", EmbeddedCxone.ACCESS_KEY_ID);
			properties.put("cxone.access-key-secret", EmbeddedCxone.ACCESS_KEY_SECRET);
		}
		else {
			properties.put("cxone.client-id", EmbeddedCxone.CLIENT_ID);
			properties.put("cxone.client-secret", EmbeddedCxone.CLIENT_SECRET);
			properties.put("cxone.base-url", cxone.baseUrl());
			properties.put("cxone.token-uri", cxone.tokenUri());
		}
		environment.getPropertySources().addLast(new MapPropertySource("embeddedCxone", properties));
		// Names the login in use and where it goes, never a secret.
		this.logger.info("No CXONE_* credentials are set: started an embedded CXone at " + cxone.baseUrl() + " ("
				+ (accessKey ? "access-key mode: logging in at " + cxone.accessKeyLoginUri() + " with its access key "
						+ "alone, no client ID or secret; set CXONE_ACCESS_KEY_ID and CXONE_ACCESS_KEY_SECRET"
						: "client-credentials mode; set CXONE_SUBDOMAIN, CXONE_CLIENT_ID and CXONE_CLIENT_SECRET, "
								+ "or the access-key variables,")
				+ " to use a real tenant)");
	}

	/**
	 * Return the embedded CXone that this post-processor started, for the sample's tests.
	 * @return the embedded CXone, or {@code null} when none was started
	 */
	static synchronized EmbeddedCxone started() {
		return embedded;
	}

	private static synchronized EmbeddedCxone start() {
		if (embedded == null) {
			embedded = EmbeddedCxone.start();
			Runtime.getRuntime().addShutdownHook(new Thread(embedded::close, "embedded-cxone-shutdown"));
		}
		return embedded;
	}

}
