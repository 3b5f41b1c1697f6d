package io.github.cxonestarter.cxone;

import org.springframework.web.reactive.function.client.WebClient;

/**
 * Callback to customize the {@link WebClient.Builder} behind {@link CxoneWebClient}, for
 * example to add a filter or a default header. Beans of this type are applied in order.
 *
 * @since 0.1.0
 */
@FunctionalInterface
public interface CxoneWebClientCustomizer {

	/**
	 * Customize the builder.
	 * @param builder the builder, already holding the base URL, the {@code Accept} header,
	 * and the filters that add the token and retry
	 */
	void customize(WebClient.Builder builder);

}
