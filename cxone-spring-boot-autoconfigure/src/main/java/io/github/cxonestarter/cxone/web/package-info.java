/**
 * The {@code ExchangeFilterFunction}s behind {@link io.github.cxonestarter.cxone.CxoneWebClient}:
 * the bearer token with replay after 401, and Resilience4j retries.
 */
package io.github.cxonestarter.cxone.web;
