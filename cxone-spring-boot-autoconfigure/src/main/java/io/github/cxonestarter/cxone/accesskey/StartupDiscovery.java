package io.github.cxonestarter.cxone.accesskey;

import java.net.URI;
import java.time.Duration;

import io.github.cxonestarter.cxone.CxoneDiscoveryException;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import reactor.core.Disposable;
import reactor.core.publisher.Mono;

import org.springframework.beans.factory.DisposableBean;
import org.springframework.beans.factory.SmartInitializingSingleton;

/**
 * What the access-key flows do at start-up, once every bean exists: the access-key login
 * logs in (even when {@code cxone.base-url} leaves nothing to discover, so that a refused
 * key stops start-up rather than the first call); the password grant reads its token
 * endpoint, as it always did. Both then discover the API host when it is not configured.
 * With fail-fast, start-up waits for that and fails with its error; without, it goes on
 * in the background and the first call tries again; closing the application abandons it.
 *
 * @since 0.1.0
 */
public class StartupDiscovery implements SmartInitializingSingleton, DisposableBean {

	private static final Log logger = LogFactory.getLog(StartupDiscovery.class);

	private final Mono<?> first;

	private final ApiEndpointFilter apiEndpoint;

	private final Duration timeout;

	private final boolean failFast;

	private final String url;

	private final String timeoutMessage;

	private volatile Disposable background;

	/**
	 * Create a new instance.
	 * @param login the access-key login, or {@code null} for the password grant
	 * @param loginUri the login endpoint, when {@code login} is set
	 * @param discovery the discovery of the token endpoint and the API host
	 * @param apiEndpoint the API host, discovered or configured
	 * @param apiHostConfigured whether {@code cxone.base-url} is set
	 * @param timeout how long start-up may take
	 * @param failFast whether start-up waits and fails with the error
	 */
	public StartupDiscovery(Mono<?> login, URI loginUri, CxoneDiscovery discovery, ApiEndpointFilter apiEndpoint,
			boolean apiHostConfigured, Duration timeout, boolean failFast) {
		this.first = (login != null) ? login : discovery.tokenEndpoint();
		this.apiEndpoint = apiEndpoint;
		this.timeout = timeout;
		this.failFast = failFast;
		String steps = (login != null) ? "logging in at " + loginUri
				: "reading " + discovery.openIdConfiguration() + ", getting a token";
		if (!apiHostConfigured) {
			steps += ", then reading the tenant's cxone-configuration from " + discovery.getIssuer();
		}
		this.url = (login != null) ? loginUri.toString() : discovery.openIdConfiguration().toString();
		this.timeoutMessage = "CXone's start-up login and discovery did not finish within cxone.discovery.timeout ("
				+ timeout.toMillis() + " ms): " + steps + ". Check "
				+ ((login != null) ? "cxone.token-uri (CXONE_TOKEN_URI)" : "cxone.issuer (CXONE_ISSUER)")
				+ " and the network path to it, or raise cxone.discovery.timeout (CXONE_DISCOVERY_TIMEOUT).";
	}

	@Override
	public void afterSingletonsInstantiated() {
		Mono<URI> discovered = this.first.then(this.apiEndpoint.apiEndpoint())
			.timeout(this.timeout,
					Mono.error(() -> new CxoneDiscoveryException(this.url, this.timeoutMessage, null)));
		if (this.failFast) {
			discovered.block();
		}
		else {
			this.background = discovered.subscribe((api) -> logger.info("CXone API endpoint discovered: " + api),
					(ex) -> logger.warn("CXone's start-up login or discovery failed; it is tried again on the first "
							+ "call (cxone.discovery.fail-fast=false): " + ex.getMessage()));
		}
	}

	@Override
	public void destroy() {
		// A closed application sends no more requests, and logs nothing, for its start-up.
		Disposable background = this.background;
		if (background != null) {
			background.dispose();
		}
	}

}
