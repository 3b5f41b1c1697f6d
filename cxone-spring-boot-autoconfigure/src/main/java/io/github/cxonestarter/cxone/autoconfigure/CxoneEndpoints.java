package io.github.cxonestarter.cxone.autoconfigure;

import java.net.URI;

/**
 * The validated endpoints the starter talks to.
 *
 * @param baseUrl the base URL of the CXone API, or {@code null} when it is discovered
 * @param tokenUri the token endpoint, or {@code null} when it is discovered
 * @param issuer the issuer, in access-key mode; {@code null} otherwise
 * @since 0.1.0
 */
public record CxoneEndpoints(URI baseUrl, URI tokenUri, URI issuer) {

}
