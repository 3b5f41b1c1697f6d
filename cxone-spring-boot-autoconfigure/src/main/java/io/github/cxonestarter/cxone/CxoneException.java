package io.github.cxonestarter.cxone;

import java.util.function.UnaryOperator;

/**
 * Base class of the errors that the CXone starter raises. Every message names the cause
 * and the fix, and never carries a client secret or a token. An error of a tenant of
 * {@link CxoneClients} names that tenant's properties, like
 * {@code cxone.tenants.east.client-secret (CXONE_TENANTS_EAST_CLIENT_SECRET)}.
 *
 * @since 0.1.0
 */
public abstract class CxoneException extends RuntimeException {

	private volatile UnaryOperator<String> naming;

	protected CxoneException(String message) {
		super(message);
	}

	protected CxoneException(String message, Throwable cause) {
		super(message, cause);
	}

	/**
	 * Name the properties in this error's message as one tenant has them: its own key,
	 * like {@code cxone.tenants.east.client-secret}, or the top-level one it inherits. Done
	 * by the clients of {@link CxoneClients}, once: the first tenant's names stay.
	 * @param naming the tenant's name of each {@code cxone.*} property
	 * @return this error
	 */
	public CxoneException forTenant(UnaryOperator<String> naming) {
		if (this.naming == null) {
			this.naming = naming;
		}
		return this;
	}

	@Override
	public String getMessage() {
		String message = super.getMessage();
		UnaryOperator<String> naming = this.naming;
		return (naming != null && message != null) ? PropertyNames.rename(message, naming) : message;
	}

}
