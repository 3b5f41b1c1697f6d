package io.github.cxonestarter.sample.servlet;

import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.github.cxonestarter.cxone.CxoneRestClient;
import io.github.cxonestarter.cxone.CxoneWebClient;
import reactor.core.publisher.Mono;

import org.springframework.core.ParameterizedTypeReference;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * The same CXone identity three ways: through the declarative {@link CxoneDirectory},
 * through {@link CxoneRestClient}, and through {@link CxoneWebClient}. All three share one
 * token.
 */
@RestController
class DirectoryController {

	private static final ParameterizedTypeReference<Map<String, Object>> JSON_OBJECT = new ParameterizedTypeReference<>() {
	};

	private final CxoneDirectory directory;

	private final CxoneRestClient restClient;

	private final CxoneWebClient webClient;

	DirectoryController(CxoneDirectory directory, CxoneRestClient restClient, CxoneWebClient webClient) {
		this.directory = directory;
		this.restClient = restClient;
		this.webClient = webClient;
	}

	@GetMapping("/whoami")
	Map<String, Object> whoami() {
		return this.directory.whoami();
	}

	@GetMapping("/agents")
	Map<String, Object> agents() {
		return this.directory.agents();
	}

	@GetMapping("/conversations/recent")
	Map<String, Object> recentConversations() {
		Instant now = Instant.now();
		Map<String, Object> query = new LinkedHashMap<>();
		query.put("interval", Map.of("from", now.minus(Duration.ofHours(1)).toString(), "to", now.toString()));
		query.put("groupBy", List.of("interactionType"));
		query.put("metrics", List.of("count"));
		query.put("filter", Map.of("mediaType", List.of("voice")));
		query.put("size", 100);
		return this.directory.conversationsSummary(query);
	}

	@GetMapping("/whoami/rest-client")
	Map<String, Object> whoamiThroughRestClient() {
		return this.restClient.get().uri("/platform/v1/whoami").retrieve().body(JSON_OBJECT);
	}

	@GetMapping("/whoami/web-client")
	Mono<Map<String, Object>> whoamiThroughWebClient() {
		return this.webClient.get().uri("/platform/v1/whoami").retrieve().bodyToMono(JSON_OBJECT);
	}

}
