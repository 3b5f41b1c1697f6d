package io.github.cxonestarter.cxone.token;

import java.time.Duration;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.github.cxonestarter.cxone.CxoneConnectionException;
import io.github.cxonestarter.cxone.CxoneFailures;
import io.github.cxonestarter.cxone.CxoneTokenException;
import io.github.cxonestarter.cxone.CxoneTokenException.Reason;
import io.github.cxonestarter.cxone.web.RetryAfter;

import org.springframework.web.reactive.function.client.WebClientRequestException;

/**
 * Turns what a token endpoint answered (or failed to answer) into a
 * {@link CxoneTokenException} whose message names the cause and the fix. Messages carry
 * the token URI and the error code, never a credential.
 *
 * @since 0.1.0
 */
public class TokenEndpointErrors {

	private static final int MAX_DESCRIPTION_LENGTH = 200;

	private static final String REDACTED = "[redacted]";

	private static final String LOGIN_ENDPOINTS = "https://{na1|au1|eu1}.nice-incontact.com/authentication/v1/token/access-key";

	private final String tokenUri;

	private final String credentialsFix;

	private final String grantFix;

	private final String keyRefusal;

	private final List<String> secrets;

	private final List<Pattern> redacted;

	/**
	 * Create an instance for the client_credentials flow.
	 * @param tokenUri the token endpoint
	 * @return the errors
	 */
	public static TokenEndpointErrors forClientCredentials(String tokenUri) {
		return new TokenEndpointErrors(tokenUri,
				"Check cxone.client-id (CXONE_CLIENT_ID) and cxone.client-secret (CXONE_CLIENT_SECRET), "
						+ "that cxone.subdomain (CXONE_SUBDOMAIN) is right (it is case-sensitive), "
						+ "and that the API key is Active under Settings > Integrations > API Keys.",
				"Check that the API key is Active under Settings > Integrations > API Keys "
						+ "and that cxone.token-uri (CXONE_TOKEN_URI) points at CXone's /oauth2/token.");
	}

	/**
	 * Create an instance for the access-key (password) flow.
	 * @param tokenUri the token endpoint
	 * @return the errors
	 */
	public static TokenEndpointErrors forAccessKey(String tokenUri) {
		return new TokenEndpointErrors(tokenUri,
				"The application registration was refused: check cxone.client-id (CXONE_CLIENT_ID) and "
						+ "cxone.client-secret (CXONE_CLIENT_SECRET) of the application registered with NICE, and that "
						+ "the registration is approved for this tenant.",
				"The access key was refused (wrong or revoked): check cxone.access-key-id (CXONE_ACCESS_KEY_ID) "
						+ "and cxone.access-key-secret (CXONE_ACCESS_KEY_SECRET), or generate a new access key for the "
						+ "API user under Admin > Employees > Access Keys.");
	}

	/**
	 * Create an instance for CXone's access-key login, with the access key alone: any
	 * 400, 401 or 403 is the key refused, whatever the body says, since the key is all the
	 * request carries.
	 * @param tokenUri the login endpoint
	 * @return the errors
	 */
	public static TokenEndpointErrors forAccessKeyLogin(String tokenUri) {
		return new TokenEndpointErrors(tokenUri, null, null,
				"The access key was refused: it is wrong, revoked or inactive. Check cxone.access-key-id "
						+ "(CXONE_ACCESS_KEY_ID) and cxone.access-key-secret (CXONE_ACCESS_KEY_SECRET), and that the "
						+ "key is Active; a CXone administrator creates a new one under Admin > Employees > (the API "
						+ "user) > Access Keys. If the key is right, check that cxone.token-uri (CXONE_TOKEN_URI) is "
						+ "an access-key login endpoint, " + LOGIN_ENDPOINTS + ".");
	}

	public TokenEndpointErrors(String tokenUri, String credentialsFix, String grantFix) {
		this(tokenUri, credentialsFix, grantFix, null);
	}

	private TokenEndpointErrors(String tokenUri, String credentialsFix, String grantFix, String keyRefusal) {
		this(tokenUri, credentialsFix, grantFix, keyRefusal, List.of());
	}

	private TokenEndpointErrors(String tokenUri, String credentialsFix, String grantFix, String keyRefusal,
			List<String> secrets) {
		this.tokenUri = tokenUri;
		this.credentialsFix = credentialsFix;
		this.grantFix = grantFix;
		this.keyRefusal = keyRefusal;
		this.secrets = secrets;
		this.redacted = secrets.stream().map(SecretForms::pattern).toList();
	}

	/**
	 * Return these errors, with the given secrets taken out of whatever the token endpoint
	 * answered ({@code error}, {@code error_description}) before it goes into a message: an
	 * endpoint that quotes the request back would otherwise put the secret in the exception,
	 * the logs and the health details. The secret is taken out as sent and in any mix of
	 * the encodings an endpoint may quote it back in: JSON escapes (short or as a UTF-16
	 * code unit in hex) and percent- or form-encoding.
	 * @param secrets the secrets the requests carry; {@code null} or empty ones are ignored
	 * @return the errors
	 */
	public TokenEndpointErrors redacting(String... secrets) {
		Set<String> all = new LinkedHashSet<>(this.secrets);
		for (String secret : secrets) {
			if (secret != null && !secret.isEmpty()) {
				all.add(secret);
			}
		}
		// Longest first, so that no part of a longer secret is left behind.
		List<String> ordered = all.stream().sorted(Comparator.comparingInt(String::length).reversed()).toList();
		return new TokenEndpointErrors(this.tokenUri, this.credentialsFix, this.grantFix, this.keyRefusal, ordered);
	}

	/**
	 * Return the token endpoint these errors are about.
	 * @return the token URI
	 */
	public String getTokenUri() {
		return this.tokenUri;
	}

	/**
	 * Create the error for an answer that is not a token.
	 * @param status the HTTP status
	 * @param errorCode the OAuth2 {@code error} of the answer, or {@code null}
	 * @param description the OAuth2 {@code error_description}, or {@code null}
	 * @return the error
	 */
	public CxoneTokenException fromResponse(int status, String errorCode, String description) {
		return fromResponse(status, errorCode, description, null);
	}

	/**
	 * Create the error for an answer that is not a token.
	 * @param status the HTTP status
	 * @param errorCode the OAuth2 {@code error} of the answer, or {@code null}
	 * @param description the OAuth2 {@code error_description}, or {@code null}
	 * @param retryAfter the wait its {@code Retry-After} header asked for, or {@code null}
	 * @return the error
	 */
	public CxoneTokenException fromResponse(int status, String errorCode, String description, Duration retryAfter) {
		// The code is read as it was sent and shown redacted: a short secret may be part of
		// "invalid_grant", and redacting it must not change what the answer means.
		String code = (errorCode != null) ? errorCode.toLowerCase(Locale.ROOT) : null;
		String answer = "CXone's token endpoint " + this.tokenUri + " answered " + status
				+ ((code != null) ? " " + redact(errorCode).toLowerCase(Locale.ROOT) : "")
				+ describe(redact(description)) + ". ";
		if (this.keyRefusal != null && (status == 400 || status == 401 || status == 403)) {
			return new CxoneTokenException(Reason.ACCESS_KEY_REFUSED, status, this.tokenUri, answer + this.keyRefusal);
		}
		if ("invalid_client".equals(code) || "unauthorized_client".equals(code)
				|| (code == null && (status == 401 || status == 403))) {
			return new CxoneTokenException(Reason.INVALID_CLIENT, status, this.tokenUri,
					answer + "The client credentials were refused. " + this.credentialsFix);
		}
		if ("invalid_grant".equals(code)) {
			return new CxoneTokenException(Reason.INVALID_GRANT, status, this.tokenUri,
					answer + "The grant was refused. " + this.grantFix);
		}
		if ("invalid_scope".equals(code)) {
			return new CxoneTokenException(Reason.INVALID_SCOPE, status, this.tokenUri, answer
					+ "A requested scope was refused. Set cxone.scopes (CXONE_SCOPES) to scopes the API key has, "
					+ "usually 'default'.");
		}
		String again = (retryAfter != null) ? "it asked to wait " + RetryAfter.describe(retryAfter)
				+ " (Retry-After): the request is not tried again sooner, nor beyond cxone.token.timeout "
				+ "(CXONE_TOKEN_TIMEOUT)." : "the request will be tried again with backoff.";
		if (status == 429) {
			return new CxoneTokenException(Reason.RATE_LIMITED, status, this.tokenUri, retryAfter,
					answer + "The token endpoint is rate limiting; " + again, null);
		}
		if (status >= 500) {
			return new CxoneTokenException(Reason.SERVER_ERROR, status, this.tokenUri, retryAfter,
					answer + "CXone failed to issue a token; " + again, null);
		}
		if (status >= 400 && this.keyRefusal != null) {
			return new CxoneTokenException(Reason.BAD_REQUEST, status, this.tokenUri, answer
					+ "The login request was refused: check that cxone.token-uri (CXONE_TOKEN_URI) is an access-key "
					+ "login endpoint, " + LOGIN_ENDPOINTS + ".");
		}
		if (status >= 400) {
			return new CxoneTokenException(Reason.BAD_REQUEST, status, this.tokenUri, answer
					+ "The grant type or scope was refused: check that cxone.token-uri (CXONE_TOKEN_URI) is CXone's "
					+ "token endpoint and that cxone.scopes (CXONE_SCOPES) lists valid scopes.");
		}
		return malformed(status, "it is not an OAuth2 token response");
	}

	/**
	 * Create the error for a successful answer that carries no usable token.
	 * @param status the HTTP status
	 * @param what what is wrong with the answer
	 * @return the error
	 */
	public CxoneTokenException malformed(int status, String what) {
		return new CxoneTokenException(Reason.MALFORMED_RESPONSE, status, this.tokenUri,
				"CXone's token endpoint " + this.tokenUri + " answered " + status + " but " + what
						+ ". Check that cxone.token-uri (CXONE_TOKEN_URI) points at CXone's token endpoint.");
	}

	/**
	 * Create the error for a successful answer whose body did not arrive whole: the
	 * connection broke, or the rest of it did not come in time. Like a failure to get an
	 * answer, it is transient.
	 * @param status the HTTP status the answer started with
	 * @param ex the failure reading the body
	 * @return the error
	 */
	public CxoneTokenException brokenAnswer(int status, Throwable ex) {
		boolean timeout = CxoneFailures.isTimeout(ex);
		String what = timeout ? "the rest of its answer did not come in time" : "the connection broke before its answer was complete";
		return new CxoneTokenException(timeout ? Reason.TIMEOUT : Reason.UNREACHABLE, 0, this.tokenUri,
				"CXone's token endpoint " + this.tokenUri + " answered " + status + " but " + what + " ("
						+ CxoneFailures.rootCause(ex) + "). Check the network path to it"
						+ (timeout ? ", or raise cxone.http.response-timeout." : "."),
				ex);
	}

	/**
	 * Create the error for a token request that did not finish in time, its retries
	 * included.
	 * @param timeout the time it had
	 * @return the error
	 */
	public CxoneTokenException deadlineExceeded(Duration timeout) {
		return new CxoneTokenException(Reason.TIMEOUT, 0, this.tokenUri, "CXone's token endpoint " + this.tokenUri
				+ " did not give a token within cxone.token.timeout (" + timeout.toMillis() + " ms), retries included. "
				+ "Check the network path to it, or raise cxone.token.timeout (CXONE_TOKEN_TIMEOUT).");
	}

	/**
	 * Turn a failure to get any answer into a {@link CxoneTokenException}; other errors
	 * are returned unchanged.
	 * @param ex the failure
	 * @return the error to raise
	 */
	public Throwable fromTransportFailure(Throwable ex) {
		if (ex instanceof CxoneTokenException) {
			return ex;
		}
		if (ex instanceof CxoneConnectionException connection) {
			return new CxoneTokenException(reason(connection), 0, connection.getUri().toString(),
					"CXone's token endpoint " + connection.getUri() + " could not be reached. " + connection.getMessage(),
					connection);
		}
		String url = (ex instanceof WebClientRequestException requestException && requestException.getUri() != null)
				? requestException.getUri().toString() : this.tokenUri;
		if (CxoneFailures.isTimeout(ex)) {
			return new CxoneTokenException(Reason.TIMEOUT, 0, url, "CXone's token endpoint "
					+ url + " did not answer in time. Check the network path to it, or raise "
					+ "cxone.http.response-timeout / cxone.http.connect-timeout.", ex);
		}
		if (ex instanceof WebClientRequestException) {
			return new CxoneTokenException(Reason.UNREACHABLE, 0, url,
					"CXone's token endpoint " + url + " could not be reached (" + CxoneFailures.rootCause(ex)
							+ "). Check cxone.token-uri (CXONE_TOKEN_URI), cxone.subdomain (CXONE_SUBDOMAIN) "
							+ "and the network path to CXone.",
					ex);
		}
		return ex;
	}

	private static Reason reason(CxoneConnectionException connection) {
		if (!connection.isTransient()) {
			return (connection.getKind() == CxoneConnectionException.Kind.TLS) ? Reason.TLS_FAILURE
					: Reason.PROXY_REFUSED;
		}
		return (connection.getKind() == CxoneConnectionException.Kind.CONNECT_TIMEOUT
				|| connection.getKind() == CxoneConnectionException.Kind.RESPONSE_TIMEOUT) ? Reason.TIMEOUT
						: Reason.UNREACHABLE;
	}

	/**
	 * Return the text with the secrets these errors redact taken out, for any other words of
	 * the token endpoint's that go into a log line.
	 * @param text the text, or {@code null}
	 * @return the redacted text
	 */
	String redact(String text) {
		if (text == null) {
			return null;
		}
		String result = text;
		for (Pattern secret : this.redacted) {
			result = secret.matcher(result).replaceAll(Matcher.quoteReplacement(REDACTED));
		}
		return result;
	}

	private static String describe(String description) {
		if (description == null || description.isBlank()) {
			return "";
		}
		String trimmed = description.strip();
		return " (" + ((trimmed.length() > MAX_DESCRIPTION_LENGTH) ? trimmed.substring(0, MAX_DESCRIPTION_LENGTH)
				+ "..." : trimmed) + ")";
	}

}
