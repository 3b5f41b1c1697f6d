package io.github.cxonestarter.cxone.test;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import io.netty.handler.codec.http.QueryStringDecoder;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.json.JsonMapper;

/**
 * The API endpoints of {@link EmbeddedCxone}, for requests whose bearer token was already
 * found valid: scope checks (403), then a few CXone endpoints and an echo endpoint for
 * tests.
 */
final class ApiRoutes {

	private static final ObjectMapper json = JsonMapper.builder().build();

	private final Map<String, String> requiredScopes = new ConcurrentHashMap<>();

	void requireScope(String pathPrefix, String scope) {
		this.requiredScopes.put(pathPrefix, scope);
	}

	void reset() {
		this.requiredScopes.clear();
	}

	/**
	 * The answer to a request whose token is missing, unknown, expired, revoked or
	 * refused.
	 */
	static Answer unauthorized() {
		return Answer.json(401, Map.of("WWW-Authenticate", "Bearer error=\"invalid_token\""),
				"{\"error\":\"invalid_token\"}");
	}

	/**
	 * Return whether a request carries more than one {@code Authorization} header, or a
	 * token in the header and in the query: RFC 6750 section 2 allows one method, and
	 * RFC 9110 section 5.3 does not allow {@code Authorization} twice.
	 */
	static boolean carriesTokenTwice(List<String> authorizations, String uri) {
		boolean inQuery = new QueryStringDecoder(uri).parameters().containsKey("access_token");
		return authorizations.size() > 1 || (inQuery && !authorizations.isEmpty());
	}

	/**
	 * The answer to a request that carries its token more than once (RFC 6750 section 3.1).
	 */
	static Answer tokenSentTwice() {
		return Answer.json(400, Map.of("WWW-Authenticate", "Bearer error=\"invalid_request\""),
				"{\"error\":\"invalid_request\",\"error_description\":\"The access token was sent more than once\"}");
	}

	/**
	 * The answer to an API request that meets an injected fault, with the JSON body and
	 * the {@code icStatusDescription} header CXone sends with an error status.
	 */
	static Answer fault(InjectedFault fault) {
		return fault.answer("{\"error\":\"injected\",\"status\":" + fault.status() + "}",
				Map.of("icStatusDescription", "Injected fault " + fault.status()));
	}

	Answer answer(String method, String path, String contentType, String accept, String body, Set<String> scopes) {
		for (Map.Entry<String, String> required : this.requiredScopes.entrySet()) {
			if (path.startsWith(required.getKey()) && !scopes.contains(required.getValue())) {
				return Answer.json(403,
						Map.of("WWW-Authenticate",
								"Bearer error=\"insufficient_scope\", scope=\"" + required.getValue() + "\""),
						"{\"error\":\"insufficient_scope\"}");
			}
		}
		if (path.startsWith(EmbeddedCxone.ECHO_PREFIX)) {
			Map<String, Object> echo = new LinkedHashMap<>();
			echo.put("method", method);
			echo.put("path", path);
			echo.put("body", body);
			return ok(echo);
		}
		if (!acceptsJson(accept)) {
			return notAcceptable();
		}
		if (EmbeddedCxone.WHOAMI_PATH.equals(path) && "GET".equals(method)) {
			Map<String, Object> identity = new LinkedHashMap<>();
			identity.put("id", "550e8400-e29b-41d4-a716-446655440000");
			identity.put("name", "Embedded CXone API Key");
			identity.put("email", "api-key@embedded-cxone.invalid");
			identity.put("scopes", new ArrayList<>(scopes));
			identity.put("siteId", "123456");
			return ok(identity);
		}
		if (EmbeddedCxone.CONVERSATIONS_SUMMARY_PATH.equals(path) && "POST".equals(method)) {
			if (contentType == null || !"application/json".equals(TokenEndpoints.mediaType(contentType))) {
				return TokenEndpoints.error(415, "unsupported_media_type", "The body must be application/json");
			}
			return conversationsSummary(body);
		}
		if (EmbeddedCxone.AGENTS_PATH.equals(path) && "GET".equals(method)) {
			return ok(Map.of("agents",
					List.of(Map.of("agentId", 1001, "firstName", "Ada", "lastName", "Lovelace", "isActive", true),
							Map.of("agentId", 1002, "firstName", "Alan", "lastName", "Turing", "isActive", true))));
		}
		if (EmbeddedCxone.SERVER_TIME_PATH.equals(path) && "GET".equals(method)) {
			return ok(Map.of("ServerTime", Instant.now().toString()));
		}
		return TokenEndpoints.error(404, "not_found", "The embedded CXone has no " + method + " " + path);
	}

	/**
	 * Return what CXone answers to a request without {@code Accept: application/json}.
	 */
	static Answer notAcceptable() {
		return new Answer(406, Map.of(), "text/plain", "No known way to render data", InjectedFault.Delivery.ANSWER);
	}

	/**
	 * Return whether an {@code Accept} header admits {@code application/json} (itself,
	 * {@code application/*} or {@code * /*}, with a quality above 0).
	 */
	static boolean acceptsJson(String accept) {
		if (accept == null) {
			return false;
		}
		for (String range : accept.split(",")) {
			String[] parts = range.split(";");
			String type = parts[0].trim().toLowerCase(java.util.Locale.ROOT);
			if (!type.equals("application/json") && !type.equals("application/*") && !type.equals("*/*")) {
				continue;
			}
			boolean refused = false;
			for (int i = 1; i < parts.length; i++) {
				String parameter = parts[i].trim().toLowerCase(java.util.Locale.ROOT);
				if (parameter.startsWith("q=")) {
					try {
						refused = Double.parseDouble(parameter.substring(2).trim()) <= 0;
					}
					catch (NumberFormatException ex) {
						refused = true;
					}
				}
			}
			if (!refused) {
				return true;
			}
		}
		return false;
	}

	@SuppressWarnings("unchecked")
	private static Answer conversationsSummary(String body) {
		Map<String, Object> query;
		try {
			query = json.readValue(body, Map.class);
		}
		catch (RuntimeException ex) {
			return TokenEndpoints.error(400, "invalid_request", "The body must be a JSON object");
		}
		if (query == null || !(query.get("interval") instanceof Map)
				|| !(query.get("groupBy") instanceof List<?> keys) || !keys.stream().allMatch(String.class::isInstance)) {
			return TokenEndpoints.error(400, "invalid_request",
					"interval (an object with from and to) and groupBy (a list of names) are required");
		}
		List<String> groupBy = (List<String>) query.get("groupBy");
		List<Map<String, Object>> groups = new ArrayList<>();
		String[][] rows = { { "INBOUND", "42" }, { "OUTBOUND", "17" }, { "TRANSFER", "5" } };
		int size = (query.get("size") instanceof Number number) ? number.intValue() : rows.length;
		for (int i = 0; i < Math.min(size, rows.length); i++) {
			Map<String, Object> group = new LinkedHashMap<>();
			for (String key : groupBy) {
				group.put(key, rows[i][0]);
			}
			group.put("count", Integer.parseInt(rows[i][1]));
			groups.add(group);
		}
		Map<String, Object> answer = new LinkedHashMap<>();
		answer.put("interval", query.get("interval"));
		answer.put("filter", query.getOrDefault("filter", Map.of()));
		answer.put("groups", groups);
		return ok(answer);
	}

	static Answer ok(Object body) {
		return Answer.json(200, json.writeValueAsString(body));
	}

}
