package io.github.cxonestarter.cxone;

import java.util.Set;

/**
 * CXone answered 403: the API key lacks the permission (scope) that the endpoint needs.
 *
 * @since 0.1.0
 */
public class CxoneAccessDeniedException extends CxoneException {

	private final Set<String> grantedScopes;

	private final String requiredScope;

	public CxoneAccessDeniedException(String message, Set<String> grantedScopes, String requiredScope) {
		super(message);
		this.grantedScopes = Set.copyOf(grantedScopes);
		this.requiredScope = requiredScope;
	}

	/**
	 * Return the scopes that the token used for the request carried.
	 * @return the granted scopes
	 */
	public Set<String> getGrantedScopes() {
		return this.grantedScopes;
	}

	/**
	 * Return the scope that CXone said is required, when it said so.
	 * @return the required scope or {@code null}
	 */
	public String getRequiredScope() {
		return this.requiredScope;
	}

}
