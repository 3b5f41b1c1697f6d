package io.github.cxonestarter.cxone.autoconfigure;

import java.util.Map;

import org.springframework.boot.autoconfigure.condition.ConditionOutcome;
import org.springframework.boot.autoconfigure.condition.SpringBootCondition;
import org.springframework.context.annotation.ConditionContext;
import org.springframework.core.type.AnnotatedTypeMetadata;

/**
 * Condition behind {@link ConditionalOnMultiTenant}.
 */
class OnMultiTenantCondition extends SpringBootCondition {

	@Override
	public ConditionOutcome getMatchOutcome(ConditionContext context, AnnotatedTypeMetadata metadata) {
		Map<String, Object> attributes = metadata.getAnnotationAttributes(ConditionalOnMultiTenant.class.getName());
		boolean required = (Boolean) attributes.get("value");
		boolean multiTenant = CxoneTenantAssembler.isMultiTenant(context.getEnvironment());
		String configured = multiTenant ? "cxone.tenants.* or cxone.multi-tenant=true is set"
				: "neither cxone.tenants.* nor cxone.multi-tenant=true is set";
		return (multiTenant == required) ? ConditionOutcome.match(configured) : ConditionOutcome.noMatch(configured);
	}

}
