package io.github.cxonestarter.cxone.health;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeoutException;

import io.github.cxonestarter.cxone.CxoneException;
import io.github.cxonestarter.cxone.CxoneFailures;
import io.github.cxonestarter.cxone.CxoneTokenException;
import io.github.cxonestarter.cxone.CxoneWebClient;
import io.github.cxonestarter.cxone.token.CxoneTokenManager;
import reactor.core.publisher.Mono;

import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.ReactiveHealthIndicator;
import org.springframework.boot.health.contributor.Status;
import org.springframework.core.ParameterizedTypeReference;
import org.springframework.http.HttpHeaders;
import org.springframework.security.oauth2.core.OAuth2AccessToken;
import org.springframework.web.reactive.function.client.WebClientRequestException;
import org.springframework.web.reactive.function.client.WebClientResponseException;

/**
 * Health of the CXone connection: a "who am I" call through {@link CxoneWebClient},
 * without retries and bounded by a timeout. UP shows the identity and the token's expiry;
 * DOWN says the cause and the fix; a 429 is UNKNOWN rather than DOWN, so that rate limiting
 * does not flap the application. The result is cached, and concurrent probes share one call.
 * Neither the token nor the secret ever appears in the details.
 *
 * @since 0.1.0
 */
public class CxoneHealthIndicator implements ReactiveHealthIndicator {

	private static final ParameterizedTypeReference<Map<String, Object>> JSON_OBJECT = new ParameterizedTypeReference<>() {
	};

	private final CxoneWebClient client;

	private final CxoneTokenManager tokens;

	private final String path;

	private final Duration timeout;

	private final Mono<Health> cached;

	/**
	 * Create a new instance.
	 * @param client the client to call CXone with
	 * @param tokens the token manager, for the token's expiry
	 * @param path the path to call, relative to the base URL
	 * @param timeout how long the call may take
	 * @param cacheTtl how long a result is reused
	 */
	public CxoneHealthIndicator(CxoneWebClient client, CxoneTokenManager tokens, String path, Duration timeout,
			Duration cacheTtl) {
		this.client = client;
		this.tokens = tokens;
		this.path = path;
		this.timeout = timeout;
		this.cached = Mono.defer(this::check).cache(cacheTtl);
	}

	@Override
	public Mono<Health> health() {
		return this.cached;
	}

	private Mono<Health> check() {
		return this.client.get()
			.uri(this.path)
			.attribute(CxoneWebClient.NO_RETRY, true)
			.retrieve()
			.bodyToMono(JSON_OBJECT)
			.defaultIfEmpty(Map.of())
			.timeout(this.timeout)
			.map(this::up)
			.onErrorResume((ex) -> Mono.just(failed(ex)));
	}

	private Health up(Map<String, Object> identity) {
		Health.Builder health = Health.up();
		for (String key : new String[] { "id", "name", "scopes", "siteId", "ServerTime" }) {
			if (identity.get(key) != null) {
				health.withDetail(key, identity.get(key));
			}
		}
		OAuth2AccessToken token = this.tokens.peek();
		if (token != null && token.getExpiresAt() != null) {
			health.withDetail("tokenExpiresAt", token.getExpiresAt().toString());
		}
		return health.build();
	}

	private Health failed(Throwable ex) {
		if (ex instanceof TimeoutException) {
			return Health.down()
				.withDetail("error", "CXone did not answer GET " + this.path + " within cxone.health.timeout ("
						+ this.timeout.toMillis() + " ms). Check the network path to CXone, or raise "
						+ "cxone.health.timeout.")
				.build();
		}
		if (ex instanceof WebClientResponseException.TooManyRequests tooMany) {
			Health.Builder health = Health.status(Status.UNKNOWN)
				.withDetail("error", "CXone rate limited the health check (429); the last known state is not "
						+ "changed to DOWN. The API key is sending too many requests.");
			String retryAfter = tooMany.getHeaders().getFirst(HttpHeaders.RETRY_AFTER);
			if (retryAfter != null) {
				health.withDetail("retryAfter", retryAfter);
			}
			return health.build();
		}
		if (ex instanceof CxoneTokenException tokenException) {
			Health.Builder health = (tokenException.getReason() == CxoneTokenException.Reason.RATE_LIMITED)
					? Health.status(Status.UNKNOWN) : Health.down();
			return health.withDetail("error", tokenException.getMessage())
				.withDetail("reason", tokenException.getReason().name())
				.withDetail("tokenUri", tokenException.getTokenUri())
				.build();
		}
		if (ex instanceof CxoneException cxoneException) {
			return Health.down().withDetail("error", cxoneException.getMessage()).build();
		}
		if (ex instanceof WebClientRequestException requestException) {
			return Health.down()
				.withDetail("error", "The CXone API at " + requestException.getUri() + " could not be reached ("
						+ CxoneFailures.rootCause(requestException) + "). Check cxone.base-url (CXONE_BASE_URL) and the network "
						+ "path to CXone.")
				.build();
		}
		if (ex instanceof WebClientResponseException responseException) {
			return Health.down()
				.withDetail("error", "CXone answered " + responseException.getStatusCode().value() + " to GET "
						+ this.path + ". Check cxone.health.whoami-path and CXone's status.")
				.build();
		}
		return Health.down().withDetail("error", ex.getClass().getSimpleName()).build();
	}

}
