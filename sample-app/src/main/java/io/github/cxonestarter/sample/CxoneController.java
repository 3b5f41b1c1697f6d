package io.github.cxonestarter.sample;

import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.github.cxonestarter.cxone.CxoneAccessTokenProvider;
import io.github.cxonestarter.cxone.CxoneWebClient;
import reactor.core.publisher.Mono;

import org.springframework.context.annotation.Conditional;
import org.springframework.core.ParameterizedTypeReference;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * The sample's endpoints: the CXone identity (see {@link CxoneIdentity}), the tutorial's
 * conversations query, and the token's expiry and scopes (never the token itself).
 *
 * @since 0.1.0
 */
@RestController
@Conditional(OnSingleTenant.class)
public class CxoneController {

	static final String CONVERSATIONS_SUMMARY_PATH = "/analytics/v1/conversations/summary";

	private static final ParameterizedTypeReference<Map<String, Object>> JSON_OBJECT = new ParameterizedTypeReference<>() {
	};

	private final CxoneWebClient cxone;

	private final CxoneAccessTokenProvider tokens;

	private final CxoneIdentity identity;

	private final CxoneApi api;

	CxoneController(CxoneWebClient cxone, CxoneAccessTokenProvider tokens, CxoneIdentity identity, CxoneApi api) {
		this.cxone = cxone;
		this.tokens = tokens;
		this.identity = identity;
		this.api = api;
	}

	@GetMapping("/whoami")
	Mono<Map<String, Object>> whoami() {
		return this.identity.identity();
	}

	@GetMapping("/agents")
	Mono<Map<String, Object>> agents() {
		return this.api.agents();
	}

	@GetMapping("/conversations/recent")
	Mono<Map<String, Object>> recentConversations() {
		Instant now = Instant.now();
		Map<String, Object> query = new LinkedHashMap<>();
		query.put("interval", Map.of("from", now.minus(Duration.ofHours(1)).toString(), "to", now.toString()));
		query.put("groupBy", List.of("interactionType"));
		query.put("metrics", List.of("count"));
		query.put("filter", Map.of("mediaType", List.of("voice")));
		query.put("size", 100);
		return this.cxone.post().uri(CONVERSATIONS_SUMMARY_PATH).bodyValue(query).retrieve().bodyToMono(JSON_OBJECT);
	}

	@GetMapping("/token")
	Mono<Map<String, Object>> token() {
		return this.tokens.getAccessToken().map((token) -> {
			Map<String, Object> description = new LinkedHashMap<>();
			description.put("tokenType", token.getTokenType().getValue());
			description.put("issuedAt", token.getIssuedAt());
			description.put("expiresAt", token.getExpiresAt());
			description.put("scopes", token.getScopes());
			return description;
		});
	}

}
