package io.github.cxonestarter.cxone.autoconfigure;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

import org.springframework.context.annotation.Conditional;

/**
 * Matches when {@code cxone.auth-mode} binds (with relaxed binding) to the given mode.
 *
 * @since 0.1.0
 */
@Target({ ElementType.TYPE, ElementType.METHOD })
@Retention(RetentionPolicy.RUNTIME)
@Documented
@Conditional(OnAuthModeCondition.class)
@interface ConditionalOnAuthMode {

	/**
	 * The mode that must be configured.
	 * @return the mode
	 */
	CxoneProperties.AuthMode value();

}
