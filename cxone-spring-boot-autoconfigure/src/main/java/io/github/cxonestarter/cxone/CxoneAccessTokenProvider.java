package io.github.cxonestarter.cxone;

import reactor.core.publisher.Mono;

import org.springframework.security.oauth2.core.OAuth2AccessToken;

/**
 * Gives the application's current CXone access token, for code that calls CXone with a
 * client of its own. The token is shared with {@link CxoneWebClient}: it is fetched only
 * when none is held and renewed ahead of its expiry.
 *
 * @since 0.1.0
 */
@FunctionalInterface
public interface CxoneAccessTokenProvider {

	/**
	 * Return a valid access token, fetching one only when none is held.
	 * @return the access token
	 */
	Mono<OAuth2AccessToken> getAccessToken();

}
