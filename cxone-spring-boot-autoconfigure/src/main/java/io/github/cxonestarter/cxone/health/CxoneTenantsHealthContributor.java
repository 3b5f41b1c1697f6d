package io.github.cxonestarter.cxone.health;

import java.util.Map;
import java.util.Objects;
import java.util.WeakHashMap;
import java.util.stream.Stream;

import io.github.cxonestarter.cxone.CxoneClients;
import io.github.cxonestarter.cxone.CxoneTenant;
import io.github.cxonestarter.cxone.CxoneUnknownTenantException;

import org.springframework.boot.health.contributor.CompositeReactiveHealthContributor;
import org.springframework.boot.health.contributor.ReactiveHealthContributor;

/**
 * Health of every tenant of {@link CxoneClients}, one {@link CxoneHealthIndicator} each,
 * named after the tenant: those registered at run time join it, removed ones leave it.
 *
 * @since 0.1.0
 */
public class CxoneTenantsHealthContributor implements CompositeReactiveHealthContributor {

	private final CxoneClients clients;

	// By tenant, not by name: a tenant removed and registered again gets a check of its own.
	private final Map<CxoneTenant, CxoneHealthIndicator> indicators = new WeakHashMap<>();

	/**
	 * Create a new instance.
	 * @param clients the tenants
	 */
	public CxoneTenantsHealthContributor(CxoneClients clients) {
		this.clients = clients;
	}

	@Override
	public ReactiveHealthContributor getContributor(String name) {
		try {
			return indicator(this.clients.tenant(name));
		}
		catch (CxoneUnknownTenantException ex) {
			return null;
		}
	}

	@Override
	public Stream<Entry> stream() {
		return this.clients.tenants()
			.stream()
			.map((name) -> {
				ReactiveHealthContributor contributor = getContributor(name);
				return (contributor != null) ? new Entry(name, contributor) : null;
			})
			.filter(Objects::nonNull);
	}

	private synchronized CxoneHealthIndicator indicator(CxoneTenant tenant) {
		return this.indicators.computeIfAbsent(tenant, (key) -> new CxoneHealthIndicator(key.webClient(),
				key.tokenManager(), key.healthCheck().path(), key.healthCheck().timeout(), key.healthCheck().cacheTtl()));
	}

}
