package io.github.cxonestarter.sample.servlet;

import java.util.Map;

import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.service.annotation.GetExchange;
import org.springframework.web.service.annotation.HttpExchange;
import org.springframework.web.service.annotation.PostExchange;

/**
 * CXone's API as a declarative HTTP interface. It is in the {@code cxone} HTTP service
 * group ({@link ServletSampleApplication}), so the starter gives its proxy the tenant's API
 * base URL, the token, the retries and the typed errors: the paths here are relative.
 */
@HttpExchange(accept = "application/json")
public interface CxoneDirectory {

	/**
	 * Return who the API key is.
	 * @return the identity
	 */
	@GetExchange("/platform/v1/whoami")
	Map<String, Object> whoami();

	/**
	 * Return the tenant's agents.
	 * @return the agents
	 */
	@GetExchange("/inContactAPI/services/v23.0/agents")
	Map<String, Object> agents();

	/**
	 * Return a summary of conversations.
	 * @param query the query
	 * @return the summary
	 */
	@PostExchange("/analytics/v1/conversations/summary")
	Map<String, Object> conversationsSummary(@RequestBody Map<String, Object> query);

}
