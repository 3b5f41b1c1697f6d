package io.github.cxonestarter.cxone.web;

import java.net.URI;
import java.time.Duration;
import java.util.function.Supplier;

import io.github.cxonestarter.cxone.CxoneAccessDeniedException;
import io.github.cxonestarter.cxone.CxoneAuthenticationException;
import io.github.cxonestarter.cxone.CxoneForeignHostException;
import io.github.cxonestarter.cxone.token.CxoneTokenManager;
import reactor.core.publisher.Mono;

import org.springframework.http.HttpHeaders;
import org.springframework.security.oauth2.client.OAuth2AuthorizedClient;
import org.springframework.security.oauth2.core.OAuth2AccessToken;
import org.springframework.web.reactive.function.client.ClientRequest;
import org.springframework.web.reactive.function.client.ClientResponse;
import org.springframework.web.reactive.function.client.ExchangeFilterFunction;
import org.springframework.web.reactive.function.client.ExchangeFunction;

/**
 * Puts the application's CXone token on every request. A 401 drops the token that was
 * used (only that one), gets a new one and replays the request once, with the same body
 * bytes; a second 401 is a {@link CxoneAuthenticationException}, and for a growing wait
 * after it refused tokens are not replaced, so calls fail at once instead of each fetching
 * a token. A 403 is never replayed: it is a
 * {@link CxoneAccessDeniedException} that says which permission is missing. A request to any
 * other host than the CXone API's is refused with a {@link CxoneForeignHostException}, so
 * the token never leaves for another host. What each answer means, and the errors'
 * wording, are {@link AuthorizationPolicy}'s.
 *
 * @since 0.1.0
 */
public class CxoneAuthorizationFilter implements ExchangeFilterFunction {

	private final CxoneTokenManager tokens;

	private final URI fixedOrigin;

	private final Supplier<Mono<URI>> discoveredOrigin;

	/**
	 * Create an instance for an API whose base URL is known.
	 * @param tokens the token manager
	 * @param apiOrigin the CXone API's base URL: the token is only sent to its scheme, host
	 * and port
	 */
	public CxoneAuthorizationFilter(CxoneTokenManager tokens, URI apiOrigin) {
		this(tokens, apiOrigin, null);
	}

	/**
	 * Create an instance for an API whose base URL is discovered.
	 * @param tokens the token manager
	 * @param apiOrigin the CXone API's base URL, once discovered
	 */
	public CxoneAuthorizationFilter(CxoneTokenManager tokens, Supplier<Mono<URI>> apiOrigin) {
		this(tokens, null, apiOrigin);
	}

	private CxoneAuthorizationFilter(CxoneTokenManager tokens, URI fixedOrigin, Supplier<Mono<URI>> discoveredOrigin) {
		this.tokens = tokens;
		this.fixedOrigin = fixedOrigin;
		this.discoveredOrigin = discoveredOrigin;
	}

	@Override
	public Mono<ClientResponse> filter(ClientRequest request, ExchangeFunction next) {
		if (this.fixedOrigin != null) {
			return ifSameOrigin(this.fixedOrigin, request, next);
		}
		return this.discoveredOrigin.get().flatMap((origin) -> ifSameOrigin(origin, request, next));
	}

	private Mono<ClientResponse> ifSameOrigin(URI origin, ClientRequest request, ExchangeFunction next) {
		if (AuthorizationPolicy.sameOrigin(origin, request.url())) {
			return authorized(request, next);
		}
		return Mono.error(AuthorizationPolicy.foreignHost("CxoneWebClient", "WebClient", request.method().name(),
				request.url(), origin));
	}

	private Mono<ClientResponse> authorized(ClientRequest request, ExchangeFunction next) {
		return this.tokens.authorize().flatMap((client) -> send(request, next, client).flatMap((response) -> {
			int status = response.statusCode().value();
			if (!AuthorizationPolicy.isRefused(status)) {
				if (AuthorizationPolicy.isAccepted(status)) {
					this.tokens.accepted(client.getAccessToken());
				}
				return checked(response, request, client);
			}
			return response.releaseBody().then(replayed(request, next, client.getAccessToken()));
		}));
	}

	/**
	 * Replace the refused token and send the request once more, unless its body cannot be
	 * sent again or the API refuses even new tokens for now.
	 */
	private Mono<ClientResponse> replayed(ClientRequest request, ExchangeFunction next, OAuth2AccessToken refused) {
		String notReplayable = ReplayableBody.whyNotReplayable(request);
		if (notReplayable != null) {
			return this.tokens.replaceRefused(refused)
				.then(Mono.error(() -> AuthorizationPolicy.notReplayable(describe(request), notReplayable)));
		}
		return this.tokens.replaceRefused(refused)
			.switchIfEmpty(Mono.error(() -> AuthorizationPolicy.replacementRefused(describe(request),
					this.tokens.replacementBackoff())))
			.flatMap((fresh) -> send(request, next, fresh).flatMap((replayed) -> {
				int status = replayed.statusCode().value();
				if (!AuthorizationPolicy.isRefused(status)) {
					if (AuthorizationPolicy.isAccepted(status)) {
						this.tokens.replacementAccepted();
						this.tokens.accepted(fresh.getAccessToken());
					}
					return checked(replayed, request, fresh);
				}
				Duration wait = this.tokens.refusedAgain(fresh.getAccessToken());
				return replayed.releaseBody()
					.then(Mono.error(() -> AuthorizationPolicy.refusedTwice(describe(request), wait)));
			}));
	}

	private Mono<ClientResponse> send(ClientRequest request, ExchangeFunction next, OAuth2AuthorizedClient client) {
		ClientRequest authorized = ClientRequest.from(request)
			.headers((headers) -> headers.setBearerAuth(client.getAccessToken().getTokenValue()))
			.build();
		return next.exchange(authorized);
	}

	private Mono<ClientResponse> checked(ClientResponse response, ClientRequest request,
			OAuth2AuthorizedClient client) {
		if (AuthorizationPolicy.isDenied(response.statusCode().value())) {
			CxoneAccessDeniedException denied = AuthorizationPolicy.denied(describe(request),
					response.headers().asHttpHeaders().getFirst(HttpHeaders.WWW_AUTHENTICATE),
					client.getAccessToken().getScopes());
			return response.releaseBody().then(Mono.error(denied));
		}
		return Mono.just(response);
	}

	private static String describe(ClientRequest request) {
		return AuthorizationPolicy.describe(request.method().name(), request.url());
	}

}
