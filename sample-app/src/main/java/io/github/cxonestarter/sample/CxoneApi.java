package io.github.cxonestarter.sample;

import java.util.Map;

import reactor.core.publisher.Mono;

import org.springframework.web.service.annotation.GetExchange;
import org.springframework.web.service.annotation.HttpExchange;

/**
 * CXone's API as a declarative HTTP interface in the {@code cxone} HTTP service group
 * ({@link SampleApplication}): the starter gives its proxy the tenant's API base URL (the
 * discovered one in access-key mode), the token, the retries and the typed errors, so the
 * paths here are relative. This application is reactive, so the group's client is a
 * WebClient and the methods return {@link Mono}.
 */
@HttpExchange(accept = "application/json")
interface CxoneApi {

	/**
	 * Return who the API key is.
	 * @return the identity
	 */
	@GetExchange(CxoneIdentity.WHOAMI_PATH)
	Mono<Map<String, Object>> whoami();

	/**
	 * Return CXone's clock: a cheap authenticated call.
	 * @return the server time
	 */
	@GetExchange(CxoneIdentity.SERVER_TIME_PATH)
	Mono<Map<String, Object>> serverTime();

	/**
	 * Return the tenant's agents.
	 * @return the agents
	 */
	@GetExchange("/inContactAPI/services/v23.0/agents")
	Mono<Map<String, Object>> agents();

}
