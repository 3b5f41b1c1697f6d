package io.github.cxonestarter.cxone;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Pattern;

import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * The clients of every CXone tenant the application serves, by name: those configured
 * under {@code cxone.tenants.*} (or the one tenant of the top-level {@code cxone.*}
 * keys, named {@value #DEFAULT_TENANT}), and those {@link #register registered} at run
 * time, for tenants kept in a database. Each tenant has its own token, retry and 429
 * backoff, discovery cache and connection pool, so that one tenant's rate limiting or
 * outage never delays another's calls. Thread-safe: lookups take no lock.
 *
 * @since 0.1.0
 */
public final class CxoneClients {

	/**
	 * Name of the tenant of the top-level {@code cxone.*} keys, when no
	 * {@code cxone.tenants.*} are configured.
	 */
	public static final String DEFAULT_TENANT = "default";

	private static final Pattern NAME = Pattern.compile("[a-z0-9]{1,63}");

	private static final Duration REMOVAL_TIMEOUT = Duration.ofSeconds(30);

	private final Map<String, CxoneTenant> tenants = new ConcurrentHashMap<>();

	private final Set<String> removing = ConcurrentHashMap.newKeySet();

	private final Assembler assembler;

	private final Set<String> fixed;

	/**
	 * Create a new instance.
	 * @param assembler how a registered tenant is assembled
	 * @param initial the tenants the application starts with
	 * @param removable whether the initial tenants may be removed; the one tenant of the
	 * top-level keys may not, as its clients are beans of the application context
	 */
	public CxoneClients(Assembler assembler, Iterable<CxoneTenant> initial, boolean removable) {
		this.assembler = assembler;
		Set<String> fixed = new LinkedHashSet<>();
		for (CxoneTenant tenant : initial) {
			this.tenants.put(tenant.getName(), tenant);
			if (!removable) {
				fixed.add(tenant.getName());
			}
		}
		this.fixed = Set.copyOf(fixed);
	}

	/**
	 * Return the reactive client of a tenant.
	 * @param name the tenant's name
	 * @return the client
	 * @throws CxoneUnknownTenantException when no tenant has that name
	 */
	public CxoneWebClient webClient(String name) {
		return tenant(name).webClient();
	}

	/**
	 * Return the blocking client of a tenant.
	 * @param name the tenant's name
	 * @return the client
	 * @throws CxoneUnknownTenantException when no tenant has that name
	 */
	public CxoneRestClient restClient(String name) {
		return tenant(name).restClient();
	}

	/**
	 * Return the token of a tenant, for code that calls CXone with a client of its own.
	 * @param name the tenant's name
	 * @return the tenant's token provider
	 * @throws CxoneUnknownTenantException when no tenant has that name
	 */
	public CxoneAccessTokenProvider tokenProvider(String name) {
		return tenant(name).tokenProvider();
	}

	/**
	 * Return a tenant.
	 * @param name the tenant's name
	 * @return the tenant
	 * @throws CxoneUnknownTenantException when no tenant has that name
	 */
	public CxoneTenant tenant(String name) {
		CxoneTenant tenant = (name != null) ? this.tenants.get(name) : null;
		if (tenant == null) {
			throw new CxoneUnknownTenantException(String.valueOf(name), tenants());
		}
		return tenant;
	}

	/**
	 * Return the names of the tenants, sorted.
	 * @return the names, a copy
	 */
	public Set<String> tenants() {
		return Collections.unmodifiableSet(new TreeSet<>(this.tenants.keySet()));
	}

	/**
	 * Register a tenant. Its definition is validated as {@code cxone.tenants.*} properties
	 * are, and its keys that it leaves out take the top-level {@code cxone.*} values. No
	 * request is sent: its first token is fetched by its first call.
	 * @param name the tenant's name: lowercase letters and digits, like {@code acmeeast}
	 * (so that it can be part of a property's and an environment variable's name)
	 * @param definition the tenant's definition
	 * @return the tenant
	 * @throws IllegalArgumentException when the name is not usable
	 * @throws IllegalStateException when a tenant of that name is already registered, or
	 * its removal has not finished
	 * @throws RuntimeException the validation's error when the definition is not valid
	 */
	public synchronized CxoneTenant register(String name, CxoneTenantDefinition definition) {
		checkName(name);
		if (definition == null) {
			throw new IllegalArgumentException("The definition of CXone tenant '" + name + "' is null; give one, like "
					+ "CxoneTenantDefinition.clientCredentials(subdomain, clientId, clientSecret).");
		}
		checkNotRegistered(name);
		if (this.removing.contains(name)) {
			throw new IllegalStateException("CXone tenant '" + name + "' is still being removed (its token is being "
					+ "dropped from the token store); register it again once that has finished.");
		}
		CxoneTenant tenant = this.assembler.assemble(name, definition);
		this.tenants.put(name, tenant);
		return tenant;
	}

	/**
	 * Remove a tenant: its token is dropped, from the token store too, with its cached
	 * discovery and its connections. Calls made later through its clients fail with
	 * {@link CxoneUnknownTenantException}; calls in flight may fail too.
	 * @param name the tenant's name
	 * @throws CxoneUnknownTenantException when no tenant has that name
	 * @throws IllegalStateException when the tenant is the one of the top-level keys
	 */
	public void remove(String name) {
		CompletableFuture<Void> removal;
		synchronized (this) {
			removal = startRemoval(name);
		}
		// Outside the lock: a slow token store must not hold up the registration of other tenants.
		await(removal);
	}

	/**
	 * Remove every tenant that may be removed, when the application stops: all at once,
	 * waiting at most 30 s for them all.
	 */
	public void removeAll() {
		List<CompletableFuture<Void>> removals = new ArrayList<>();
		synchronized (this) {
			for (String name : tenants()) {
				if (!this.fixed.contains(name)) {
					removals.add(startRemoval(name));
				}
			}
		}
		await(CompletableFuture.allOf(removals.toArray(CompletableFuture[]::new)));
	}

	private CompletableFuture<Void> startRemoval(String name) {
		CxoneTenant tenant = tenant(name);
		if (this.fixed.contains(name)) {
			throw new IllegalStateException("CXone tenant '" + name + "' is the one of the top-level cxone.* keys: its "
					+ "clients are beans of the application context and cannot be removed. Register tenants with "
					+ "names of their own, or set cxone.multi-tenant=true to serve tenants through CxoneClients only.");
		}
		this.tenants.remove(name, tenant);
		this.removing.add(name);
		Set<String> left = tenants();
		// Not cancelled when a caller stops waiting: the name is given back only when all is done.
		return tenant.remove(() -> new CxoneUnknownTenantException(name, left, " any more: it was removed"))
			.onErrorResume((ex) -> Mono.empty())
			.then(Mono.fromRunnable(() -> this.removing.remove(name)))
			.then()
			.toFuture();
	}

	private static void await(CompletableFuture<Void> removal) {
		if (Schedulers.isInNonBlockingThread()) {
			return;
		}
		try {
			removal.get(REMOVAL_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
		catch (ExecutionException | TimeoutException ex) {
			// The removal goes on; the name stays taken until it has finished.
		}
	}

	private void checkNotRegistered(String name) {
		if (this.tenants.containsKey(name)) {
			throw new IllegalStateException("A CXone tenant named '" + name + "' is already registered (under "
					+ "cxone.tenants." + name + " or by an earlier register call). Remove it first to replace it, or "
					+ "choose another name.");
		}
	}

	/**
	 * Check a tenant's name, which becomes part of its registration ID, its meters' tags
	 * and its health component's name.
	 * @param name the name
	 * @throws IllegalArgumentException when it is not usable
	 */
	public static void checkName(String name) {
		if (name == null || !NAME.matcher(name).matches()) {
			throw new IllegalArgumentException("'" + name + "' cannot name a CXone tenant: use up to 63 lowercase letters "
					+ "and digits, like 'acmeeast', so that the name can be part of a property's name "
					+ "(cxone.tenants.acmeeast.subdomain) and an environment variable's (CXONE_TENANTS_ACMEEAST_SUBDOMAIN).");
		}
	}

	@Override
	public String toString() {
		return "CxoneClients" + tenants();
	}

	/**
	 * Assembles a tenant registered at run time.
	 */
	@FunctionalInterface
	public interface Assembler {

		/**
		 * Validate a tenant's definition and assemble its clients.
		 * @param name the tenant's name, already checked
		 * @param definition the tenant's definition
		 * @return the tenant
		 */
		CxoneTenant assemble(String name, CxoneTenantDefinition definition);

	}

}
