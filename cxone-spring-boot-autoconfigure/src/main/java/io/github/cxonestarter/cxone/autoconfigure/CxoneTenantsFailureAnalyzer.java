package io.github.cxonestarter.cxone.autoconfigure;

import java.util.Set;

import io.github.cxonestarter.cxone.CxoneAccessTokenProvider;
import io.github.cxonestarter.cxone.CxoneRestClient;
import io.github.cxonestarter.cxone.CxoneWebClient;
import io.github.cxonestarter.cxone.token.CxoneTokenManager;

import org.springframework.beans.factory.NoSuchBeanDefinitionException;
import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.core.env.Environment;

/**
 * Explains a missing {@link CxoneWebClient}, {@link CxoneRestClient} or token provider in
 * an application that serves several tenants: with {@code cxone.tenants.*} or
 * {@code cxone.multi-tenant=true} there are no single-tenant beans, and a bare "no
 * qualifying bean" would not say why.
 *
 * @since 0.1.0
 */
public class CxoneTenantsFailureAnalyzer extends AbstractFailureAnalyzer<NoSuchBeanDefinitionException> {

	private static final Set<Class<?>> SINGLE_TENANT_TYPES = Set.of(CxoneWebClient.class, CxoneRestClient.class,
			CxoneAccessTokenProvider.class, CxoneTokenManager.class);

	private final boolean multiTenant;

	/**
	 * Create a new instance.
	 * @param environment the environment of the application that failed
	 */
	public CxoneTenantsFailureAnalyzer(Environment environment) {
		this.multiTenant = CxoneTenantAssembler.isMultiTenant(environment);
	}

	@Override
	protected FailureAnalysis analyze(Throwable rootFailure, NoSuchBeanDefinitionException cause) {
		Class<?> type = (cause.getResolvableType() != null) ? cause.getResolvableType().resolve() : cause.getBeanType();
		if (!this.multiTenant || type == null || !SINGLE_TENANT_TYPES.contains(type)) {
			return null;
		}
		return new FailureAnalysis("No " + type.getSimpleName() + " bean: the application serves several CXone tenants "
				+ "(cxone.tenants.* or cxone.multi-tenant=true is set), so the starter defines no single-tenant beans.",
				"Inject CxoneClients and ask it for the tenant's client, like clients.webClient(\"east\"), "
						+ "clients.restClient(\"east\") or clients.tokenProvider(\"east\"); or, for one tenant, "
						+ "configure the top-level cxone.* keys without cxone.tenants.*.",
				cause);
	}

}
