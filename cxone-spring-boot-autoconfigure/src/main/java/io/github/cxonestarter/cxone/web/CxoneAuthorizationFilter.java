package io.github.cxonestarter.cxone.web;

import java.net.URI;
import java.time.Duration;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.github.cxonestarter.cxone.CxoneAccessDeniedException;
import io.github.cxonestarter.cxone.CxoneAuthenticationException;
import io.github.cxonestarter.cxone.CxoneForeignHostException;
import io.github.cxonestarter.cxone.token.CxoneTokenManager;
import reactor.core.publisher.Mono;

import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
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
 * the token never leaves for another host.
 *
 * @since 0.1.0
 */
public class CxoneAuthorizationFilter implements ExchangeFilterFunction {

	private static final Pattern SCOPE = Pattern.compile("scope=\"([^\"]*)\"");

	private static final String PERSISTING_CAUSES = "Likely causes: the API key is disabled, or its API user is "
			+ "disabled or lacks API access (check Settings > Integrations > API Keys, and that the key is Active); cxone.base-url "
			+ "(CXONE_BASE_URL) is another region's or tenant's API host than the one the token endpoint issues "
			+ "tokens for; or cxone.subdomain (CXONE_SUBDOMAIN) is wrong (it is case-sensitive).";

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
		if (sameOrigin(origin, request.url())) {
			return authorized(request, next);
		}
		return Mono.error(new CxoneForeignHostException("CxoneWebClient refused " + request.method().name() + " "
				+ request.url().getScheme() + "://" + request.url().getAuthority() + request.url().getPath()
				+ ": it only sends the CXone token to " + origin.getScheme() + "://" + origin.getAuthority()
				+ ". Use a relative URI for CXone calls, and a WebClient of your own for other hosts."));
	}

	private static boolean sameOrigin(URI origin, URI target) {
		return origin.getScheme().equalsIgnoreCase(String.valueOf(target.getScheme()))
				&& origin.getHost().equalsIgnoreCase(String.valueOf(target.getHost())) && port(origin) == port(target);
	}

	private static int port(URI uri) {
		return (uri.getPort() != -1) ? uri.getPort() : ("https".equalsIgnoreCase(uri.getScheme()) ? 443 : 80);
	}

	private Mono<ClientResponse> authorized(ClientRequest request, ExchangeFunction next) {
		return this.tokens.authorize().flatMap((client) -> send(request, next, client).flatMap((response) -> {
			if (response.statusCode().value() != HttpStatus.UNAUTHORIZED.value()) {
				if (authenticated(response)) {
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
				.then(Mono.error(() -> refusal(request,
						"The request was not sent again, because " + notReplayable + ". Send it again yourself.")));
		}
		return this.tokens.replaceRefused(refused)
			.switchIfEmpty(Mono.error(() -> refusal(request, "CXone refused a new token moments ago too, so the "
					+ "starter did not fetch another one; it tries again in "
					+ RetryAfter.describe(this.tokens.replacementBackoff()) + ", and calls fail at once until then. "
					+ PERSISTING_CAUSES)))
			.flatMap((fresh) -> send(request, next, fresh).flatMap((replayed) -> {
				if (replayed.statusCode().value() != HttpStatus.UNAUTHORIZED.value()) {
					if (authenticated(replayed)) {
						this.tokens.replacementAccepted();
						this.tokens.accepted(fresh.getAccessToken());
					}
					return checked(replayed, request, fresh);
				}
				Duration wait = this.tokens.refusedAgain(fresh.getAccessToken());
				return replayed.releaseBody()
					.then(Mono.error(() -> refusal(request, "It refused it twice: once with the cached token and "
							+ "once with a new one, so the API does not accept this application's tokens; no new "
							+ "token is fetched for " + RetryAfter.describe(wait) + ", and calls fail at once until then. "
							+ PERSISTING_CAUSES)));
			}));
	}

	/**
	 * Return whether an answer shows that the token passed: not a 401, and not a 429 or a
	 * server error, which a gateway may send without looking at the token.
	 */
	private static boolean authenticated(ClientResponse response) {
		int status = response.statusCode().value();
		return status != HttpStatus.UNAUTHORIZED.value() && status != HttpStatus.TOO_MANY_REQUESTS.value()
				&& status < 500;
	}

	private static CxoneAuthenticationException refusal(ClientRequest request, String what) {
		return new CxoneAuthenticationException("CXone refused " + describe(request) + " with 401 Unauthorized. " + what);
	}

	private Mono<ClientResponse> send(ClientRequest request, ExchangeFunction next, OAuth2AuthorizedClient client) {
		ClientRequest authorized = ClientRequest.from(request)
			.headers((headers) -> headers.setBearerAuth(client.getAccessToken().getTokenValue()))
			.build();
		return next.exchange(authorized);
	}

	private Mono<ClientResponse> checked(ClientResponse response, ClientRequest request,
			OAuth2AuthorizedClient client) {
		int status = response.statusCode().value();
		if (status == HttpStatus.FORBIDDEN.value()) {
			String required = requiredScope(response.headers().asHttpHeaders());
			String missing = (required != null) ? "the permission (scope) '" + required + "'"
					: "the permission (scope) this endpoint needs";
			return response.releaseBody()
				.then(Mono.error(new CxoneAccessDeniedException("CXone denied " + describe(request)
						+ " with 403 Forbidden: the API key lacks " + missing + "; its token carries the scopes "
						+ client.getAccessToken().getScopes() + ". Grant the permission to the API key's user "
						+ "(or add the scope to cxone.scopes); permission changes can take up to 15 minutes "
						+ "to reach the API.", client.getAccessToken().getScopes(), required)));
		}
		return Mono.just(response);
	}

	private static String requiredScope(HttpHeaders headers) {
		String challenge = headers.getFirst(HttpHeaders.WWW_AUTHENTICATE);
		if (challenge == null) {
			return null;
		}
		Matcher matcher = SCOPE.matcher(challenge);
		return matcher.find() ? matcher.group(1) : null;
	}

	static String describe(ClientRequest request) {
		return request.method().name() + " " + request.url().getPath();
	}

}
