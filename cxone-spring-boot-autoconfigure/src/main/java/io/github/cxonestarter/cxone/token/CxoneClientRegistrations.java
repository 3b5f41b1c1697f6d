package io.github.cxonestarter.cxone.token;

import java.util.Iterator;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import reactor.core.publisher.Mono;

import org.springframework.security.oauth2.client.registration.ClientRegistration;
import org.springframework.security.oauth2.client.registration.ReactiveClientRegistrationRepository;

/**
 * The starter's client registrations, one per tenant, which tenants registered at run
 * time join and removed ones leave. The token store (Spring Security's
 * {@code ReactiveOAuth2AuthorizedClientService}, in memory or the application's JDBC or
 * R2DBC one) finds them here, so that one store serves every tenant.
 *
 * @since 0.1.0
 */
public final class CxoneClientRegistrations implements ReactiveClientRegistrationRepository, Iterable<ClientRegistration> {

	private final Map<String, ClientRegistration> registrations = new ConcurrentHashMap<>();

	/**
	 * Create a new instance.
	 * @param registrations the registrations to start with
	 */
	public CxoneClientRegistrations(ClientRegistration... registrations) {
		for (ClientRegistration registration : registrations) {
			add(registration);
		}
	}

	/**
	 * Add a registration.
	 * @param registration the registration
	 * @throws IllegalStateException when one with its ID is held
	 */
	public void add(ClientRegistration registration) {
		if (this.registrations.putIfAbsent(registration.getRegistrationId(), registration) != null) {
			throw new IllegalStateException(
					"A client registration with the ID '" + registration.getRegistrationId() + "' is already held");
		}
	}

	/**
	 * Remove a registration.
	 * @param registrationId its ID
	 */
	public void remove(String registrationId) {
		this.registrations.remove(registrationId);
	}

	@Override
	public Mono<ClientRegistration> findByRegistrationId(String registrationId) {
		return Mono.justOrEmpty(this.registrations.get(registrationId));
	}

	@Override
	public Iterator<ClientRegistration> iterator() {
		return this.registrations.values().iterator();
	}

	@Override
	public String toString() {
		return "CxoneClientRegistrations" + this.registrations.keySet();
	}

}
