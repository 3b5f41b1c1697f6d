package io.github.cxonestarter.cxone.metrics;

import java.time.Duration;
import java.util.function.Function;

import io.github.cxonestarter.cxone.CxoneTokenException;
import io.github.cxonestarter.cxone.token.RetryingTokenResponseClient;
import io.github.cxonestarter.cxone.web.RetryPolicy;
import io.github.resilience4j.retry.Retry;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

/**
 * The starter's Micrometer meters:
 * <ul>
 * <li>{@code cxone.token.requests}: a timer of token requests (retries included), tagged
 * {@code outcome} ({@code success} or the failure reason);</li>
 * <li>{@code cxone.token.renewals}: renewals started ahead of expiry;</li>
 * <li>{@code cxone.token.evictions}: tokens dropped after the API refused them;</li>
 * <li>{@code cxone.retries}: retries, tagged {@code target} ({@code api} or
 * {@code token}) and {@code cause} (the status, {@code timeout} or {@code connection});</li>
 * <li>{@code cxone.responses.rate-limited}: 429 answers from the API, retried or not,
 * to either client.</li>
 * </ul>
 * Every meter is tagged {@value #TENANT_TAG} with the tenant's name
 * ({@code default} for the one tenant of the top-level {@code cxone.*} keys).
 *
 * @since 0.1.0
 */
public class CxoneMetrics implements CxoneInstrumentation {

	/**
	 * Name of the tag that names the tenant on every meter.
	 */
	public static final String TENANT_TAG = "tenant";

	private final MeterRegistry registry;

	private final String tenant;

	private final Counter renewals;

	private final Counter evictions;

	private final Counter rateLimited;

	/**
	 * Create the meters of the tenant of the top-level {@code cxone.*} keys, tagged
	 * {@value #TENANT_TAG} {@code default}.
	 * @param registry the registry
	 */
	public CxoneMetrics(MeterRegistry registry) {
		this(registry, "default");
	}

	/**
	 * Create the meters of one tenant.
	 * @param registry the registry
	 * @param tenant the tenant's name, the value of the {@value #TENANT_TAG} tag
	 */
	public CxoneMetrics(MeterRegistry registry, String tenant) {
		this.registry = registry;
		this.tenant = tenant;
		this.renewals = Counter.builder("cxone.token.renewals")
			.description("CXone token renewals started ahead of expiry")
			.tag(TENANT_TAG, tenant)
			.register(registry);
		this.evictions = Counter.builder("cxone.token.evictions")
			.description("CXone tokens dropped because the API refused them")
			.tag(TENANT_TAG, tenant)
			.register(registry);
		this.rateLimited = Counter.builder("cxone.responses.rate-limited")
			.description("429 answers from the CXone API")
			.tag(TENANT_TAG, tenant)
			.register(registry);
	}

	/**
	 * Return a factory of each tenant's meters, its retries bound.
	 * @param registry the registry
	 * @return the factory
	 */
	public static CxoneInstrumentation.Factory factory(MeterRegistry registry) {
		return (tenant, apiRetry, tokenRetry) -> of(registry, tenant, apiRetry, tokenRetry);
	}

	/**
	 * Return the meters of one tenant, its retries bound.
	 * @param registry the registry
	 * @param tenant the tenant's name
	 * @param apiRetry the retry of its API calls, or {@code null}
	 * @param tokenRetry the retry of its token requests, or {@code null}
	 * @return the meters
	 */
	public static CxoneMetrics of(MeterRegistry registry, String tenant, Retry apiRetry, Retry tokenRetry) {
		CxoneMetrics metrics = new CxoneMetrics(registry, tenant);
		if (apiRetry != null) {
			metrics.bindRetry(apiRetry, "api", RetryPolicy::causeOf);
		}
		if (tokenRetry != null) {
			metrics.bindRetry(tokenRetry, "token", RetryingTokenResponseClient::causeOf);
		}
		return metrics;
	}

	/**
	 * Count the retries of the given Resilience4j retry.
	 * @param retry the retry
	 * @param target {@code api} or {@code token}
	 * @param causeOf how to name the cause of a failed attempt
	 */
	public void bindRetry(Retry retry, String target, Function<Throwable, String> causeOf) {
		retry.getEventPublisher().onRetry((event) -> {
			String cause = (event.getLastThrowable() != null) ? causeOf.apply(event.getLastThrowable()) : null;
			Counter.builder("cxone.retries")
				.description("Retries of CXone calls")
				.tag(TENANT_TAG, this.tenant)
				.tag("target", target)
				.tag("cause", (cause != null) ? cause : "other")
				.register(this.registry)
				.increment();
		});
	}

	/**
	 * Remove this tenant's meters from the registry.
	 */
	@Override
	public void close() {
		for (Meter meter : this.registry.getMeters()) {
			if (meter.getId().getName().startsWith("cxone.") && this.tenant.equals(meter.getId().getTag(TENANT_TAG))) {
				this.registry.remove(meter);
			}
		}
	}

	@Override
	public void tokenIssued(Duration latency) {
		tokenTimer("success").record(latency);
	}

	@Override
	public void tokenFailed(Duration latency, Throwable error) {
		String outcome = (error instanceof CxoneTokenException tokenException)
				? tokenException.getReason().name().toLowerCase(java.util.Locale.ROOT) : "error";
		tokenTimer(outcome).record(latency);
	}

	@Override
	public void renewalStarted() {
		this.renewals.increment();
	}

	@Override
	public void tokenEvicted() {
		this.evictions.increment();
	}

	@Override
	public void answered(int status) {
		if (status == 429) {
			this.rateLimited.increment();
		}
	}

	private Timer tokenTimer(String outcome) {
		return Timer.builder("cxone.token.requests")
			.description("CXone token requests, retries included")
			.tag(TENANT_TAG, this.tenant)
			.tag("outcome", outcome)
			.register(this.registry);
	}

}
