package io.github.cxonestarter.cxone.web;

import java.net.URI;
import java.time.Duration;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.github.cxonestarter.cxone.CxoneAccessDeniedException;
import io.github.cxonestarter.cxone.CxoneAuthenticationException;
import io.github.cxonestarter.cxone.CxoneForeignHostException;

/**
 * Which host may receive the CXone token, and what CXone's 401 and 403 answers mean,
 * worded once for every client the starter builds. It has no HTTP client types in its
 * signatures: {@link CxoneExchangeFilter} (WebClient) and
 * {@link CxoneRestClientInterceptor} (RestClient) are thin adapters over it.
 *
 * @since 0.1.0
 */
public final class AuthorizationPolicy {

	private static final Pattern SCOPE = Pattern.compile("scope=\"([^\"]*)\"");

	private static final int UNAUTHORIZED = 401;

	private static final int FORBIDDEN = 403;

	private static final int TOO_MANY_REQUESTS = 429;

	private static final String PERSISTING_CAUSES = "Likely causes: the API key is disabled, or its API user is "
			+ "disabled or lacks API access (check Settings > Integrations > API Keys, and that the key is Active); cxone.base-url "
			+ "(CXONE_BASE_URL) is another region's or tenant's API host than the one the token endpoint issues "
			+ "tokens for; or cxone.subdomain (CXONE_SUBDOMAIN) is wrong (it is case-sensitive).";

	private AuthorizationPolicy() {
	}

	/**
	 * Return whether the token may be sent to the given URL: the API's scheme, host and
	 * port, and nothing else.
	 * @param origin the CXone API's base URL
	 * @param target the URL requested
	 * @return whether it is the API's origin
	 */
	static boolean sameOrigin(URI origin, URI target) {
		return origin.getScheme().equalsIgnoreCase(String.valueOf(target.getScheme()))
				&& origin.getHost().equalsIgnoreCase(String.valueOf(target.getHost())) && port(origin) == port(target);
	}

	private static int port(URI uri) {
		return (uri.getPort() != -1) ? uri.getPort() : ("https".equalsIgnoreCase(uri.getScheme()) ? 443 : 80);
	}

	/**
	 * Return the error for a request to another host than the API's.
	 * @param client the client that refused, like {@code CxoneWebClient}
	 * @param ownClient the kind of client to use for other hosts, like {@code WebClient}
	 * @param method the request's method
	 * @param target the URL requested
	 * @param origin the CXone API's base URL
	 * @return the error
	 */
	static CxoneForeignHostException foreignHost(String client, String ownClient, String method, URI target,
			URI origin) {
		return new CxoneForeignHostException(client + " refused " + method + " " + origin(target) + target.getPath()
				+ ": it only sends the CXone token to " + origin(origin) + ". Use a relative URI for CXone calls, and a "
				+ ownClient + " of your own for other hosts.");
	}

	/**
	 * Return a URL's scheme, host and port, never its user information (which may hold a
	 * password).
	 */
	private static String origin(URI url) {
		return url.getScheme() + "://" + ((url.getHost() != null) ? url.getHost() : "(no host)")
				+ ((url.getPort() != -1) ? ":" + url.getPort() : "");
	}

	/**
	 * Return whether the status is a 401, after which the token is replaced and the
	 * request replayed once.
	 * @param status the status
	 * @return whether the token was refused
	 */
	static boolean isRefused(int status) {
		return status == UNAUTHORIZED;
	}

	/**
	 * Return whether an answer shows that the token passed: not a 401, and not a 429 or a
	 * server error, which a gateway may send without looking at the token.
	 * @param status the status
	 * @return whether the token was accepted
	 */
	static boolean isAccepted(int status) {
		return status != UNAUTHORIZED && status != TOO_MANY_REQUESTS && status < 500;
	}

	/**
	 * Return whether the status is a 403, which is never replayed.
	 * @param status the status
	 * @return whether access was denied
	 */
	static boolean isDenied(int status) {
		return status == FORBIDDEN;
	}

	/**
	 * Return the error for a 401 whose request could not be replayed.
	 * @param call the call, as {@link #describe} gives it
	 * @param why why the request could not be sent again
	 * @return the error
	 */
	static CxoneAuthenticationException notReplayable(String call, String why) {
		return refusal(call, "The request was not sent again, because " + why + ". Send it again yourself.");
	}

	/**
	 * Return the error for a 401 while refused tokens are not replaced.
	 * @param call the call
	 * @param backoff how long refused tokens are not replaced
	 * @return the error
	 */
	static CxoneAuthenticationException replacementRefused(String call, Duration backoff) {
		return refusal(call, "CXone refused a new token moments ago too, so the starter did not fetch another one; "
				+ "it tries again in " + RetryAfter.describe(backoff) + ", and calls fail at once until then. "
				+ PERSISTING_CAUSES);
	}

	/**
	 * Return the error for a 401 to the replay with a new token.
	 * @param call the call
	 * @param wait how long no new token is fetched
	 * @return the error
	 */
	static CxoneAuthenticationException refusedTwice(String call, Duration wait) {
		return refusal(call, "It refused it twice: once with the cached token and once with a new one, so the API "
				+ "does not accept this application's tokens; no new token is fetched for " + RetryAfter.describe(wait)
				+ ", and calls fail at once until then. " + PERSISTING_CAUSES);
	}

	private static CxoneAuthenticationException refusal(String call, String what) {
		return new CxoneAuthenticationException("CXone refused " + call + " with 401 Unauthorized. " + what);
	}

	/**
	 * Return the error for a 403.
	 * @param call the call
	 * @param challenge the {@code WWW-Authenticate} header, possibly {@code null}
	 * @param scopes the scopes the token carries
	 * @return the error
	 */
	static CxoneAccessDeniedException denied(String call, String challenge, Set<String> scopes) {
		String required = requiredScope(challenge);
		String missing = (required != null) ? "the permission (scope) '" + required + "'"
				: "the permission (scope) this endpoint needs";
		return new CxoneAccessDeniedException("CXone denied " + call + " with 403 Forbidden: the API key lacks "
				+ missing + "; its token carries the scopes " + scopes + ". Grant the permission to the API key's user "
				+ "(or add the scope to cxone.scopes); permission changes can take up to 15 minutes to reach the API.",
				scopes, required);
	}

	private static String requiredScope(String challenge) {
		if (challenge == null) {
			return null;
		}
		Matcher matcher = SCOPE.matcher(challenge);
		return matcher.find() ? matcher.group(1) : null;
	}

	/**
	 * Describe a call for messages: its method and path, never its query (which may
	 * carry values the application did not mean to log).
	 * @param method the method
	 * @param url the URL
	 * @return the description
	 */
	static String describe(String method, URI url) {
		return method + " " + url.getPath();
	}

}
