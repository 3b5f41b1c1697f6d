package io.github.cxonestarter.cxone.autoconfigure;

import java.util.Map;

import org.springframework.boot.autoconfigure.condition.ConditionOutcome;
import org.springframework.boot.autoconfigure.condition.SpringBootCondition;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.context.annotation.ConditionContext;
import org.springframework.core.type.AnnotatedTypeMetadata;

/**
 * Condition behind {@link ConditionalOnAuthMode}.
 */
class OnAuthModeCondition extends SpringBootCondition {

	@Override
	public ConditionOutcome getMatchOutcome(ConditionContext context, AnnotatedTypeMetadata metadata) {
		Map<String, Object> attributes = metadata.getAnnotationAttributes(ConditionalOnAuthMode.class.getName());
		CxoneProperties.AuthMode required = (CxoneProperties.AuthMode) attributes.get("value");
		CxoneProperties.AuthMode configured = Binder.get(context.getEnvironment())
			.bind("cxone.auth-mode", CxoneProperties.AuthMode.class)
			.orElse(CxoneProperties.AuthMode.CLIENT_CREDENTIALS);
		return (configured == required) ? ConditionOutcome.match("cxone.auth-mode is " + configured)
				: ConditionOutcome.noMatch("cxone.auth-mode is " + configured + ", not " + required);
	}

}
