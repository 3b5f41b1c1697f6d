package io.github.cxonestarter.cxone.token;

import java.io.IOException;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;

import io.github.cxonestarter.cxone.CxoneFailures;
import io.github.cxonestarter.cxone.CxoneTokenException;
import io.github.cxonestarter.cxone.web.RetryAfter;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import reactor.core.publisher.Mono;

import org.springframework.core.ParameterizedTypeReference;
import org.springframework.core.codec.Hints;
import org.springframework.core.io.buffer.DataBufferUtils;
import org.springframework.http.HttpHeaders;
import org.springframework.http.ReactiveHttpInputMessage;
import org.springframework.http.client.reactive.ClientHttpResponse;
import org.springframework.http.codec.HttpMessageReader;
import org.springframework.http.server.reactive.ServerHttpResponse;
import org.springframework.security.oauth2.core.OAuth2AccessToken;
import org.springframework.security.oauth2.core.endpoint.DefaultMapOAuth2AccessTokenResponseConverter;
import org.springframework.security.oauth2.core.endpoint.OAuth2AccessTokenResponse;
import org.springframework.security.oauth2.core.endpoint.OAuth2ParameterNames;
import org.springframework.web.reactive.function.BodyExtractor;
import org.springframework.web.reactive.function.BodyExtractors;

/**
 * Reads a token endpoint's answer with Spring Security's
 * {@link DefaultMapOAuth2AccessTokenResponseConverter}, adding what Spring Security's own
 * extractor does not do for CXone:
 * <ul>
 * <li>{@code expires_in} is read as a number whatever its JSON shape ({@code 3600},
 * {@code "3600"}, {@code 3600.0}, {@code 1e3}); a response without it lives the configured
 * default lifetime, and so does one whose value is not positive, absurdly long or not a
 * number, with one WARN (Spring Security gives all of these one second, so every call
 * would fetch a new token);</li>
 * <li>the HTTP status is kept, so that 5xx can be retried and 4xx cannot, and so is the
 * {@code Retry-After} of a 429 or a 5xx;</li>
 * <li>a successful answer cut short by a broken connection or a read timeout is a
 * transient failure, retried, not a malformed token response;</li>
 * <li>every failure is a {@link io.github.cxonestarter.cxone.CxoneTokenException} that
 * names the cause and the fix.</li>
 * </ul>
 *
 * @since 0.1.0
 */
public class CxoneTokenResponseExtractor
		implements BodyExtractor<Mono<OAuth2AccessTokenResponse>, ReactiveHttpInputMessage> {

	private static final ParameterizedTypeReference<Map<String, Object>> JSON_OBJECT = new ParameterizedTypeReference<>() {
	};

	private final DefaultMapOAuth2AccessTokenResponseConverter converter = new DefaultMapOAuth2AccessTokenResponseConverter();

	private static final Log logger = LogFactory.getLog(CxoneTokenResponseExtractor.class);

	// A year: a longer lifetime is a mistake, and Instant arithmetic overflows long before 10^18.
	private static final BigDecimal MAX_LIFETIME_SECONDS = BigDecimal.valueOf(Duration.ofDays(366).toSeconds());

	private static final int MAX_REPORTED_LENGTH = 40;

	private final AtomicBoolean unusableLifetimeReported = new AtomicBoolean();

	private final Duration defaultLifetime;

	private final TokenEndpointErrors errors;

	public CxoneTokenResponseExtractor(Duration defaultLifetime, TokenEndpointErrors errors) {
		this.defaultLifetime = defaultLifetime;
		this.errors = errors;
	}

	@Override
	public Mono<OAuth2AccessTokenResponse> extract(ReactiveHttpInputMessage inputMessage, Context context) {
		int status = (inputMessage instanceof ClientHttpResponse response) ? response.getStatusCode().value() : 200;
		boolean success = status >= 200 && status < 300;
		Duration retryAfter = success ? null
				: RetryAfter.parse(inputMessage.getHeaders().getOrEmpty(HttpHeaders.RETRY_AFTER), Instant.now());
		return BodyExtractors.toMono(JSON_OBJECT)
			.extract(inputMessage, withoutLogging(context))
			.onErrorResume((ex) -> drain(inputMessage).then(success ? Mono.error(unreadable(status, ex)) : Mono.empty()))
			.switchIfEmpty(Mono.defer(() -> Mono.error(success ? this.errors.malformed(status, "its body is empty")
					: this.errors.fromResponse(status, null, null, retryAfter))))
			.map((body) -> toTokenResponse(status, success, body, retryAfter));
	}

	/**
	 * Return the error for a successful answer whose body could not be read: a broken
	 * connection or a stalled answer is transient, a body that is not JSON is not.
	 */
	private CxoneTokenException unreadable(int status, Throwable ex) {
		if (ex instanceof IOException || CxoneFailures.isTimeout(ex)) {
			return this.errors.brokenAnswer(status, ex);
		}
		return this.errors.malformed(status, "its body is not a JSON object");
	}

	private OAuth2AccessTokenResponse toTokenResponse(int status, boolean success, Map<String, Object> body,
			Duration retryAfter) {
		Object error = body.get(OAuth2ParameterNames.ERROR);
		if (!success || error != null) {
			throw this.errors.fromResponse(status, asString(error),
					asString(body.get(OAuth2ParameterNames.ERROR_DESCRIPTION)), retryAfter);
		}
		if (!(body.get(OAuth2ParameterNames.ACCESS_TOKEN) instanceof String token) || token.isBlank()) {
			throw this.errors.malformed(status, "it has no access_token");
		}
		Map<String, Object> normalized = new LinkedHashMap<>(body);
		// Always a Long: Spring Security reads anything else (3600.0, 1e3) as a one-second token.
		normalized.put(OAuth2ParameterNames.EXPIRES_IN, lifetimeSeconds(normalized.get(OAuth2ParameterNames.EXPIRES_IN)));
		Object tokenType = normalized.get(OAuth2ParameterNames.TOKEN_TYPE);
		if (tokenType == null) {
			normalized.put(OAuth2ParameterNames.TOKEN_TYPE, OAuth2AccessToken.TokenType.BEARER.getValue());
		}
		else if (!OAuth2AccessToken.TokenType.BEARER.getValue().equalsIgnoreCase(tokenType.toString())) {
			throw this.errors.malformed(status, "its token_type is not Bearer");
		}
		try {
			return this.converter.convert(normalized);
		}
		catch (IllegalArgumentException ex) {
			throw this.errors.malformed(status, "it could not be read as a token (" + ex.getMessage() + ")");
		}
	}

	/**
	 * Return the context with logging suppressed: at DEBUG, Spring's JSON decoder would
	 * otherwise log the decoded body, access token included.
	 */
	private static Context withoutLogging(Context context) {
		Map<String, Object> hints = new HashMap<>(context.hints());
		hints.put(Hints.SUPPRESS_LOGGING_HINT, true);
		return new Context() {

			@Override
			public List<HttpMessageReader<?>> messageReaders() {
				return context.messageReaders();
			}

			@Override
			public Optional<ServerHttpResponse> serverResponse() {
				return context.serverResponse();
			}

			@Override
			public Map<String, Object> hints() {
				return hints;
			}

		};
	}

	/**
	 * Return the token's lifetime in whole seconds: {@code expires_in} read as a number
	 * whatever its JSON shape, or the default lifetime when it is absent, not a number,
	 * not positive or absurdly long (one WARN, not one per token).
	 */
	private long lifetimeSeconds(Object expiresIn) {
		if (expiresIn == null || expiresIn.toString().isBlank()) {
			return this.defaultLifetime.toSeconds();
		}
		String text = expiresIn.toString().strip();
		try {
			BigDecimal seconds = new BigDecimal(text);
			if (seconds.compareTo(BigDecimal.ONE) >= 0 && seconds.compareTo(MAX_LIFETIME_SECONDS) <= 0) {
				return seconds.longValue();
			}
		}
		catch (NumberFormatException ex) {
			// Not a number: the default lifetime, below.
		}
		if (this.unusableLifetimeReported.compareAndSet(false, true)) {
			logger.warn("CXone's token endpoint " + this.errors.getTokenUri() + " answered expires_in '"
					+ abbreviate(this.errors.redact(text)) + "', which is not a lifetime in seconds between 1 and "
					+ MAX_LIFETIME_SECONDS + "; its tokens are treated as living cxone.token.default-lifetime ("
					+ this.defaultLifetime.toSeconds() + "s). This is reported once.");
		}
		return this.defaultLifetime.toSeconds();
	}

	private static String abbreviate(String text) {
		return (text.length() > MAX_REPORTED_LENGTH) ? text.substring(0, MAX_REPORTED_LENGTH) + "..." : text;
	}

	private static String asString(Object value) {
		return (value != null) ? value.toString() : null;
	}

	private static Mono<Void> drain(ReactiveHttpInputMessage inputMessage) {
		return inputMessage.getBody().map(DataBufferUtils::release).then().onErrorResume((ex) -> Mono.empty());
	}

}
