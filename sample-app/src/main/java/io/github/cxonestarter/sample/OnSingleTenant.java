package io.github.cxonestarter.sample;

import io.github.cxonestarter.cxone.autoconfigure.CxoneTenantAssembler;

import org.springframework.context.annotation.Condition;
import org.springframework.context.annotation.ConditionContext;
import org.springframework.core.type.AnnotatedTypeMetadata;

/**
 * Matches when the starter serves the one tenant of the top-level {@code cxone.*} keys,
 * so that the sample's single-tenant endpoints have the beans they use. With
 * {@code cxone.tenants.*} only {@link TenantController} answers.
 *
 * @since 0.1.0
 */
class OnSingleTenant implements Condition {

	@Override
	public boolean matches(ConditionContext context, AnnotatedTypeMetadata metadata) {
		return !CxoneTenantAssembler.isMultiTenant(context.getEnvironment());
	}

}
