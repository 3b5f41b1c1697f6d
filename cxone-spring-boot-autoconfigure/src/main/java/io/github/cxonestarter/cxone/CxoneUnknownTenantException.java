package io.github.cxonestarter.cxone;

import java.util.List;
import java.util.Set;

/**
 * A tenant was asked of {@link CxoneClients} by a name it does not know: never configured
 * under {@code cxone.tenants.*} nor registered, or removed since. The message names the
 * tenants that are known.
 *
 * @since 0.1.0
 */
public class CxoneUnknownTenantException extends CxoneException {

	private final String tenant;

	private final List<String> knownTenants;

	public CxoneUnknownTenantException(String tenant, Set<String> knownTenants) {
		this(tenant, knownTenants, "");
	}

	/**
	 * Create a new instance.
	 * @param tenant the name asked for
	 * @param knownTenants the names that are known
	 * @param why what happened to the tenant, as a sentence to add, or an empty string
	 */
	public CxoneUnknownTenantException(String tenant, Set<String> knownTenants, String why) {
		super("No CXone tenant is named '" + tenant + "'" + why + ". Known tenants: "
				+ (knownTenants.isEmpty() ? "none" : String.join(", ", knownTenants.stream().sorted().toList()))
				+ ". Configure it under cxone.tenants." + tenant + ".* or register it with CxoneClients.register.");
		this.tenant = tenant;
		this.knownTenants = knownTenants.stream().sorted().toList();
	}

	/**
	 * Return the name that was asked for.
	 * @return the tenant's name
	 */
	public String getTenant() {
		return this.tenant;
	}

	/**
	 * Return the names of the tenants that are known, sorted.
	 * @return the names
	 */
	public List<String> getKnownTenants() {
		return this.knownTenants;
	}

}
