package io.github.cxonestarter.cxone.token;

import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import reactor.core.publisher.Mono;

import org.springframework.core.ParameterizedTypeReference;
import org.springframework.core.codec.Hints;
import org.springframework.core.io.buffer.DataBufferUtils;
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
 * <li>a response without {@code expires_in} lives the configured default lifetime
 * (Spring Security gives it one second, so every call would fetch a new token);</li>
 * <li>the HTTP status is kept, so that 5xx can be retried and 4xx cannot;</li>
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
		return BodyExtractors.toMono(JSON_OBJECT)
			.extract(inputMessage, withoutLogging(context))
			.onErrorResume((ex) -> drain(inputMessage)
				.then(success ? Mono.error(this.errors.malformed(status, "its body is not a JSON object"))
						: Mono.empty()))
			.switchIfEmpty(Mono.defer(() -> Mono.error(success ? this.errors.malformed(status, "its body is empty")
					: this.errors.fromResponse(status, null, null))))
			.map((body) -> toTokenResponse(status, success, body));
	}

	private OAuth2AccessTokenResponse toTokenResponse(int status, boolean success, Map<String, Object> body) {
		Object error = body.get(OAuth2ParameterNames.ERROR);
		if (!success || error != null) {
			throw this.errors.fromResponse(status, asString(error),
					asString(body.get(OAuth2ParameterNames.ERROR_DESCRIPTION)));
		}
		if (!(body.get(OAuth2ParameterNames.ACCESS_TOKEN) instanceof String token) || token.isBlank()) {
			throw this.errors.malformed(status, "it has no access_token");
		}
		Map<String, Object> normalized = new LinkedHashMap<>(body);
		Object expiresIn = normalized.get(OAuth2ParameterNames.EXPIRES_IN);
		if (expiresIn == null || expiresIn.toString().isBlank()) {
			normalized.put(OAuth2ParameterNames.EXPIRES_IN, this.defaultLifetime.toSeconds());
		}
		else if (!isPositiveNumber(expiresIn)) {
			throw this.errors.malformed(status, "its expires_in is not a positive number of seconds");
		}
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

	private static boolean isPositiveNumber(Object value) {
		try {
			return Double.parseDouble(value.toString()) > 0;
		}
		catch (NumberFormatException ex) {
			return false;
		}
	}

	private static String asString(Object value) {
		return (value != null) ? value.toString() : null;
	}

	private static Mono<Void> drain(ReactiveHttpInputMessage inputMessage) {
		return inputMessage.getBody().map(DataBufferUtils::release).then().onErrorResume((ex) -> Mono.empty());
	}

}
