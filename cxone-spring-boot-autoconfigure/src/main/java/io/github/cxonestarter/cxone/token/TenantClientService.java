package io.github.cxonestarter.cxone.token;

import reactor.core.publisher.Mono;

import org.springframework.security.core.Authentication;
import org.springframework.security.oauth2.client.OAuth2AuthorizedClient;
import org.springframework.security.oauth2.client.ReactiveOAuth2AuthorizedClientService;

/**
 * One tenant's view of the token store that every tenant shares: once the tenant is
 * retired (removed), it neither saves nor loads a token. A token request of the removed
 * tenant that ends later therefore cannot put its token back under the registration ID,
 * where a tenant registered again under the same name would find it.
 *
 * @since 0.1.0
 */
public final class TenantClientService implements ReactiveOAuth2AuthorizedClientService {

	private final ReactiveOAuth2AuthorizedClientService store;

	private volatile boolean retired;

	/**
	 * Create a new instance.
	 * @param store the shared store
	 */
	public TenantClientService(ReactiveOAuth2AuthorizedClientService store) {
		this.store = store;
	}

	/**
	 * Stop saving and loading tokens, for good.
	 */
	public void retire() {
		this.retired = true;
	}

	@Override
	public <T extends OAuth2AuthorizedClient> Mono<T> loadAuthorizedClient(String clientRegistrationId,
			String principalName) {
		return Mono.defer(() -> this.retired ? Mono.empty()
				: this.store.loadAuthorizedClient(clientRegistrationId, principalName));
	}

	@Override
	public Mono<Void> saveAuthorizedClient(OAuth2AuthorizedClient authorizedClient, Authentication principal) {
		return Mono.defer(() -> this.retired ? Mono.empty() : this.store.saveAuthorizedClient(authorizedClient, principal));
	}

	@Override
	public Mono<Void> removeAuthorizedClient(String clientRegistrationId, String principalName) {
		return this.store.removeAuthorizedClient(clientRegistrationId, principalName);
	}

}
