package io.github.cxonestarter.cxone.test;

import java.time.Instant;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * The bearer tokens {@link EmbeddedCxone} issued, and the answer to "is this bearer token
 * valid now, and with which scopes". Tokens of another issuer are valid only when a test
 * says how to check them.
 */
final class IssuedTokens {

	private final Map<String, IssuedToken> tokens = new ConcurrentHashMap<>();

	private volatile Function<String, Set<String>> foreign;

	void issue(String value, Instant expiresAt, Set<String> scopes) {
		this.tokens.put(value, new IssuedToken(expiresAt, Set.copyOf(scopes)));
	}

	/**
	 * Return the scopes of a valid token.
	 * @param bearer the bearer token, or {@code null}
	 * @return its scopes, or {@code null} when the token is missing, unknown, expired or
	 * revoked
	 */
	Set<String> scopesOf(String bearer) {
		if (bearer == null) {
			return null;
		}
		IssuedToken token = this.tokens.get(bearer);
		if (token != null) {
			return token.isValid() ? token.scopes() : null;
		}
		Function<String, Set<String>> foreign = this.foreign;
		return (foreign != null) ? foreign.apply(bearer) : null;
	}

	void acceptForeign(Function<String, Set<String>> foreign) {
		this.foreign = foreign;
	}

	void revokeAll() {
		this.tokens.values().forEach(IssuedToken::revoke);
	}

	int count() {
		return this.tokens.size();
	}

	void reset() {
		this.foreign = null;
	}

	private static final class IssuedToken {

		private final Instant expiresAt;

		private final Set<String> scopes;

		private volatile boolean revoked;

		IssuedToken(Instant expiresAt, Set<String> scopes) {
			this.expiresAt = expiresAt;
			this.scopes = scopes;
		}

		boolean isValid() {
			return !this.revoked && Instant.now().isBefore(this.expiresAt);
		}

		Set<String> scopes() {
			return this.scopes;
		}

		void revoke() {
			this.revoked = true;
		}

	}

}
