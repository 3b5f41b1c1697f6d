package io.github.cxonestarter.cxone.test;

import reactor.netty.http.server.HttpServerRequest;

/**
 * Which part of {@link EmbeddedCxone} a path belongs to.
 */
final class Paths {

	private Paths() {
	}

	static String of(HttpServerRequest request) {
		String uri = request.uri();
		int query = uri.indexOf('?');
		return (query < 0) ? uri : uri.substring(0, query);
	}

	static boolean isToken(String path) {
		return EmbeddedCxone.TOKEN_PATH.equals(path) || EmbeddedCxone.ACCESS_KEY_TOKEN_PATH.equals(path)
				|| EmbeddedCxone.ACCESS_KEY_LOGIN_PATH.equals(path);
	}

	static boolean isDiscovery(String path) {
		return path.startsWith("/.well-known/");
	}

}
