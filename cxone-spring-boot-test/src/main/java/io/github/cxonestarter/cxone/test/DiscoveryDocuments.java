package io.github.cxonestarter.cxone.test;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.netty.handler.codec.http.QueryStringDecoder;

/**
 * The discovery documents of {@link EmbeddedCxone}: the issuer's OpenID configuration and
 * the tenant's CXone configuration, which names the API host.
 */
final class DiscoveryDocuments {

	private volatile String apiEndpoint;

	void apiEndpoint(String apiEndpoint) {
		this.apiEndpoint = apiEndpoint;
	}

	void reset() {
		this.apiEndpoint = null;
	}

	Answer answer(String method, String uri, String path, String baseUrl) {
		if (!"GET".equals(method)) {
			return new Answer(405, Map.of("Allow", "GET"), "application/json",
					"{\"error\":\"method_not_allowed\"}", InjectedFault.Delivery.ANSWER);
		}
		if (EmbeddedCxone.OPENID_CONFIGURATION_PATH.equals(path)) {
			Map<String, Object> configuration = new LinkedHashMap<>();
			configuration.put("issuer", baseUrl);
			configuration.put("token_endpoint", baseUrl + EmbeddedCxone.ACCESS_KEY_TOKEN_PATH);
			configuration.put("grant_types_supported", List.of("password", "client_credentials"));
			configuration.put("token_endpoint_auth_methods_supported", List.of("client_secret_basic"));
			return ApiRoutes.ok(configuration);
		}
		if (EmbeddedCxone.CXONE_CONFIGURATION_PATH.equals(path)) {
			String tenantId = new QueryStringDecoder(uri).parameters()
				.getOrDefault("tenantId", List.of())
				.stream()
				.findFirst()
				.orElse(null);
			if (!EmbeddedCxone.TENANT_ID.equals(tenantId)) {
				return TokenEndpoints.error(404, "not_found", "Unknown tenantId");
			}
			String api = (this.apiEndpoint != null) ? this.apiEndpoint : baseUrl;
			Map<String, Object> configuration = new LinkedHashMap<>();
			configuration.put("area", "na1");
			configuration.put("api_endpoint", api);
			configuration.put("auth_endpoint", baseUrl);
			configuration.put("ui_endpoint", baseUrl);
			configuration.put("tenantId", tenantId);
			return ApiRoutes.ok(configuration);
		}
		return TokenEndpoints.error(404, "not_found", "The embedded CXone has no " + path);
	}

}
