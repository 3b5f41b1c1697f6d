package io.github.cxonestarter.cxone.autoconfigure;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

import org.springframework.context.annotation.Conditional;

/**
 * Matches when the application serves several tenants through
 * {@code CxoneClients} only ({@code cxone.multi-tenant=true} or any
 * {@code cxone.tenants.*} key), or, with {@code false}, when it has the one tenant of the
 * top-level {@code cxone.*} keys.
 *
 * @since 0.1.0
 */
@Target({ ElementType.TYPE, ElementType.METHOD })
@Retention(RetentionPolicy.RUNTIME)
@Documented
@Conditional(OnMultiTenantCondition.class)
@interface ConditionalOnMultiTenant {

	/**
	 * Whether the application must serve several tenants.
	 * @return {@code true} for several tenants, {@code false} for the one tenant
	 */
	boolean value() default true;

}
