package io.github.cxonestarter.cxone;

import org.springframework.web.client.RestClient;

/**
 * Callback to customize the {@link RestClient.Builder} behind {@link CxoneRestClient} and
 * the {@code cxone} HTTP service group's REST_CLIENT builder, for example to add an
 * interceptor or a default header. Beans of this type are applied in order. An interceptor
 * added here runs inside the starter's, once per attempt, and sees the bearer token.
 *
 * @since 0.1.0
 */
@FunctionalInterface
public interface CxoneRestClientCustomizer {

	/**
	 * Customize the builder.
	 * @param builder the builder, already holding the base URL, the {@code Accept} header,
	 * the request factory and the interceptor that adds the token and retries
	 */
	void customize(RestClient.Builder builder);

}
