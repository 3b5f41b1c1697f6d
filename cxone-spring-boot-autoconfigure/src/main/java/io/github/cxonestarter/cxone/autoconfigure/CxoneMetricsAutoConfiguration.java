package io.github.cxonestarter.cxone.autoconfigure;

import io.github.cxonestarter.cxone.CxoneClients;
import io.github.cxonestarter.cxone.metrics.CxoneInstrumentation;
import io.github.cxonestarter.cxone.metrics.CxoneMetrics;
import io.github.resilience4j.retry.Retry;
import io.micrometer.core.instrument.MeterRegistry;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;

/**
 * {@link org.springframework.boot.autoconfigure.EnableAutoConfiguration
 * Auto-configuration} for the starter's Micrometer meters: each tenant's, tagged with its name.
 *
 * @since 0.1.0
 */
@AutoConfiguration(afterName = {
		"org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration",
		"org.springframework.boot.micrometer.metrics.autoconfigure.export.simple.SimpleMetricsExportAutoConfiguration" })
@ConditionalOnClass(MeterRegistry.class)
@ConditionalOnBean(MeterRegistry.class)
@ConditionalOnBooleanProperty(name = "cxone.enabled", matchIfMissing = true)
public final class CxoneMetricsAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean
	CxoneInstrumentation.Factory cxoneInstrumentationFactory(MeterRegistry registry) {
		return CxoneMetrics.factory(registry);
	}

	@Bean
	@ConditionalOnMissingBean
	@ConditionalOnMultiTenant(false)
	CxoneMetrics cxoneMetrics(MeterRegistry registry, @Qualifier("cxoneRetry") ObjectProvider<Retry> apiRetry,
			@Qualifier("cxoneTokenRetry") ObjectProvider<Retry> tokenRetry) {
		// The one tenant's meters, as before tenants: a bean the application may inject.
		return CxoneMetrics.of(registry, CxoneClients.DEFAULT_TENANT, apiRetry.getIfAvailable(),
				tokenRetry.getIfAvailable());
	}

}
