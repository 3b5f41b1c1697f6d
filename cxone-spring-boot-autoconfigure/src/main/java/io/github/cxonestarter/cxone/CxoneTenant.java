package io.github.cxonestarter.cxone;

import java.time.Duration;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;

import io.github.cxonestarter.cxone.token.CxoneTokenManager;
import reactor.core.publisher.Mono;

/**
 * One tenant's clients, as {@link CxoneClients} holds them: its own token (one flight at
 * a time), its own retry and 429 backoff, its own discovery cache and connection pool.
 *
 * @since 0.1.0
 */
public final class CxoneTenant {

	private final String name;

	private final String registrationId;

	private final CxoneTokenManager tokens;

	private final CxoneAccessTokenProvider tokenProvider;

	private final CxoneWebClient webClient;

	private final CxoneRestClient restClient;

	private final HealthCheck healthCheck;

	private final Function<Supplier<? extends RuntimeException>, Mono<Void>> removal;

	/**
	 * Create a new instance.
	 * @param name the tenant's name
	 * @param registrationId the ID of its client registration, the key of its token in the
	 * token store
	 * @param naming its name of each {@code cxone.*} property, as its errors name them,
	 * like {@code cxone.tenants.east.client-secret}
	 * @param tokens its token manager
	 * @param webClient its reactive client
	 * @param restClient its blocking client
	 * @param healthCheck how its health is checked
	 * @param removal what removing it does: drop its token, registration and connections,
	 * and fail its later calls with the given error
	 */
	public CxoneTenant(String name, String registrationId, UnaryOperator<String> naming, CxoneTokenManager tokens,
			CxoneWebClient webClient,
			CxoneRestClient restClient, HealthCheck healthCheck, Function<Supplier<? extends RuntimeException>, Mono<Void>> removal) {
		this.name = name;
		this.registrationId = registrationId;
		this.tokens = tokens;
		this.tokenProvider = () -> tokens.getAccessToken()
			.onErrorMap(CxoneException.class, (ex) -> ex.forTenant(naming));
		this.webClient = webClient;
		this.restClient = restClient;
		this.healthCheck = healthCheck;
		this.removal = removal;
	}

	/**
	 * Return the tenant's name.
	 * @return the name
	 */
	public String getName() {
		return this.name;
	}

	/**
	 * Return the ID of the tenant's client registration, under which the token store
	 * keeps its token.
	 * @return the registration ID
	 */
	public String getRegistrationId() {
		return this.registrationId;
	}

	/**
	 * Return the tenant's reactive client.
	 * @return the client
	 */
	public CxoneWebClient webClient() {
		return this.webClient;
	}

	/**
	 * Return the tenant's blocking client.
	 * @return the client
	 */
	public CxoneRestClient restClient() {
		return this.restClient;
	}

	/**
	 * Return the tenant's token, for code that calls CXone with a client of its own.
	 * @return the token provider
	 */
	public CxoneAccessTokenProvider tokenProvider() {
		return this.tokenProvider;
	}

	/**
	 * Return the tenant's token manager.
	 * @return the token manager
	 */
	public CxoneTokenManager tokenManager() {
		return this.tokens;
	}

	/**
	 * Return how the tenant's health is checked.
	 * @return the health check
	 */
	public HealthCheck healthCheck() {
		return this.healthCheck;
	}

	Mono<Void> remove(Supplier<? extends RuntimeException> reason) {
		return this.removal.apply(reason);
	}

	@Override
	public String toString() {
		return "CxoneTenant[" + this.name + "]";
	}

	/**
	 * How a tenant's health is checked.
	 *
	 * @param path the path to call, relative to the API's base URL
	 * @param timeout how long the call may take
	 * @param cacheTtl how long a result is reused
	 */
	public record HealthCheck(String path, Duration timeout, Duration cacheTtl) {

	}

}
