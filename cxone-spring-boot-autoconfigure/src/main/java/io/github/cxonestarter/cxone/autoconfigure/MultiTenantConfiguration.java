package io.github.cxonestarter.cxone.autoconfigure;

import io.github.cxonestarter.cxone.CxoneClients;
import io.github.cxonestarter.cxone.token.CxoneClientRegistrations;

import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.security.oauth2.client.registration.ReactiveClientRegistrationRepository;

/**
 * Several tenants, served through {@link CxoneClients} only: those under
 * {@code cxone.tenants.*}, and those registered at run time.
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnMultiTenant
class MultiTenantConfiguration {

	@Bean(defaultCandidate = false)
	@ConditionalOnMissingBean(name = "cxoneClientRegistrationRepository")
	ReactiveClientRegistrationRepository cxoneClientRegistrationRepository() {
		return new CxoneClientRegistrations();
	}

	@Bean(destroyMethod = "removeAll")
	@ConditionalOnMissingBean
	CxoneClients cxoneClients(@Qualifier("cxoneTenantAssembler") CxoneTenantAssembler assembler,
			CxoneProperties properties) {
		return new CxoneClients(assembler::assemble, assembler.assembleConfigured(properties.getTenants().keySet()), true);
	}

}
