package io.github.cxonestarter.cxone.autoconfigure;

import io.github.cxonestarter.cxone.CxoneRestClientCustomizer;
import io.github.cxonestarter.cxone.CxoneWebClientCustomizer;
import io.github.cxonestarter.cxone.metrics.CxoneMetrics;
import io.github.cxonestarter.cxone.token.RetryingTokenResponseClient;
import io.github.cxonestarter.cxone.web.RetryPolicy;
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
 * Auto-configuration} for the starter's Micrometer meters.
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
	CxoneMetrics cxoneMetrics(MeterRegistry registry, @Qualifier("cxoneRetry") ObjectProvider<Retry> apiRetry,
			@Qualifier("cxoneTokenRetry") ObjectProvider<Retry> tokenRetry) {
		CxoneMetrics metrics = new CxoneMetrics(registry);
		apiRetry.ifAvailable((retry) -> metrics.bindRetry(retry, "api", RetryPolicy::causeOf));
		tokenRetry.ifAvailable((retry) -> metrics.bindRetry(retry, "token", RetryingTokenResponseClient::causeOf));
		return metrics;
	}

	@Bean
	CxoneWebClientCustomizer cxoneMetricsWebClientCustomizer(CxoneMetrics metrics) {
		return (builder) -> builder.filter(metrics);
	}

	@Bean
	CxoneRestClientCustomizer cxoneMetricsRestClientCustomizer(CxoneMetrics metrics) {
		return (builder) -> builder.requestInterceptor(metrics);
	}

}
