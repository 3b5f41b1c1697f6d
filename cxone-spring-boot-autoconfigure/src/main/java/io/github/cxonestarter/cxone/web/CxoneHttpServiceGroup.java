package io.github.cxonestarter.cxone.web;

import org.springframework.web.client.support.RestClientHttpServiceGroupConfigurer;
import org.springframework.web.reactive.function.client.support.WebClientHttpServiceGroupConfigurer;

/**
 * The {@code cxone} HTTP service group: an application that declares
 * {@code @ImportHttpServices(group = "cxone", types = MyCxoneApi.class)} gets proxies whose
 * client is configured as {@code CxoneRestClient} (group client type REST_CLIENT, the
 * default) or {@code CxoneWebClient} (WEB_CLIENT) is. The configurers run last
 * ({@code Ordered.LOWEST_PRECEDENCE}), after Boot's {@code spring.http.serviceclient.*}
 * configurers, so that the base URL, the request factory and the token are the starter's
 * for this group; they touch no other group.
 *
 * @since 0.1.0
 */
public final class CxoneHttpServiceGroup {

	/**
	 * The name of the group.
	 */
	public static final String NAME = "cxone";

	private CxoneHttpServiceGroup() {
	}

	/**
	 * Return the configurer of the group's REST_CLIENT builders.
	 * @param builders how CXone clients are configured
	 * @return the configurer
	 */
	public static RestClientHttpServiceGroupConfigurer restClients(CxoneClientBuilders builders) {
		return (groups) -> groups.filterByName(NAME).forEachClient((group, builder) -> builders.configure(builder));
	}

	/**
	 * Return the configurer that refuses the group's REST_CLIENT builders in an application
	 * with several tenants, which has no one tenant for the group to call.
	 * @return the configurer
	 */
	public static RestClientHttpServiceGroupConfigurer refusingRestClients() {
		return (groups) -> groups.filterByName(NAME).forEachClient((group, builder) -> {
			throw noSingleTenant();
		});
	}

	/**
	 * Return the configurer that refuses the group's WEB_CLIENT builders in an application
	 * with several tenants.
	 * @return the configurer
	 */
	public static WebClientHttpServiceGroupConfigurer refusingWebClients() {
		return (groups) -> groups.filterByName(NAME).forEachClient((group, builder) -> {
			throw noSingleTenant();
		});
	}

	private static IllegalStateException noSingleTenant() {
		return new IllegalStateException("The '" + NAME + "' HTTP service group calls the one tenant of the top-level "
				+ "cxone.* keys, but the application serves several tenants (cxone.tenants.* or cxone.multi-tenant=true "
				+ "is set), so there is none: its calls would go out without a token. Call CXone through CxoneClients "
				+ "(clients.webClient(\"east\") or clients.restClient(\"east\")), or put the interfaces in a group of "
				+ "another name.");
	}

	/**
	 * Return the configurer of the group's WEB_CLIENT builders.
	 * @param builders how CXone clients are configured
	 * @return the configurer
	 */
	public static WebClientHttpServiceGroupConfigurer webClients(CxoneClientBuilders builders) {
		return (groups) -> groups.filterByName(NAME).forEachClient((group, builder) -> builders.configure(builder));
	}

}
