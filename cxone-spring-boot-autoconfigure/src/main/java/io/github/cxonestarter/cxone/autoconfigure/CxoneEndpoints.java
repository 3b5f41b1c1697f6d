package io.github.cxonestarter.cxone.autoconfigure;

import java.net.URI;

/**
 * The validated endpoints the starter talks to.
 *
 * @param baseUrl the base URL of the CXone API
 * @param tokenUri the token endpoint
 * @since 0.1.0
 */
public record CxoneEndpoints(URI baseUrl, URI tokenUri) {

}
