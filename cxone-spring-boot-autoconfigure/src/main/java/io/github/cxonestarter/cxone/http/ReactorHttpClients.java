package io.github.cxonestarter.cxone.http;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.function.Supplier;

import reactor.netty.http.HttpProtocol;
import reactor.netty.http.client.HttpClient;
import reactor.netty.resources.ConnectionProvider;
import reactor.netty.transport.ProxyProvider;

import org.springframework.boot.http.client.HttpClientSettings;
import org.springframework.boot.http.client.HttpRedirects;
import org.springframework.boot.http.client.ReactorHttpClientBuilder;

/**
 * Builds the Reactor Netty {@link HttpClient} that the starter's clients share, from
 * {@link CxoneHttpSettings}: timeouts and trust through Boot's
 * {@link ReactorHttpClientBuilder}, as Boot applies them to its own clients, and the
 * proxy through Reactor Netty's {@link ProxyProvider}, which asks {@link CxoneProxy}
 * which hosts it serves.
 *
 * @since 0.1.0
 */
public final class ReactorHttpClients {

	private ReactorHttpClients() {
	}

	/**
	 * Create the client.
	 * @param settings the connection settings
	 * @param connectionProvider the connection pool
	 * @return the client
	 */
	public static HttpClient create(CxoneHttpSettings settings, ConnectionProvider connectionProvider) {
		HttpClientSettings bootSettings = new HttpClientSettings(HttpRedirects.DONT_FOLLOW,
				atMostIntegerMillis(settings.connectTimeout()), settings.responseTimeout(), settings.sslBundle());
		return new ReactorHttpClientBuilder().withHttpClientFactory(() -> HttpClient.create(connectionProvider))
			// HTTP/1.1: CXone's /auth/token is reported to misbehave over HTTP/2. No compression,
			// as before Boot's builder was used.
			.withHttpClientCustomizer((client) -> withProxy(client.protocol(HttpProtocol.HTTP11).compress(false),
					settings.proxy(), settings.connectTimeout()))
			.build(bootSettings);
	}

	private static HttpClient withProxy(HttpClient client, CxoneProxy proxy, Duration connectTimeout) {
		if (proxy == null) {
			// Not the JVM's properties either: CxoneHttpSettings already holds them when they are set.
			return client.noProxy();
		}
		// Given a host name, Reactor Netty would look it up on every request, on an event loop.
		ProxyAddress proxyAddress = new ProxyAddress(proxy.getHost(), proxy.getPort());
		return client.proxy((spec) -> {
			ProxyProvider.Builder builder = spec.type(ProxyProvider.Proxy.HTTP)
				.address(proxyAddress)
				.connectTimeoutMillis(atMostIntegerMillis(connectTimeout).toMillis())
				.nonProxyHostsPredicate((address) -> address instanceof InetSocketAddress inet
						&& !proxy.isUsedFor(inet.getHostString()));
			if (proxy.getUsername() != null) {
				builder.username(proxy.getUsername()).password((username) -> proxy.getPassword());
			}
		});
	}

	/**
	 * The proxy's address, looked up on first use (not at start-up, which a slow name
	 * service would hold up) and again a minute later, so that a proxy whose name moves
	 * to another address is followed. One that does not resolve is looked up again on the
	 * next connection, and fails it as an unknown host.
	 */
	private static final class ProxyAddress implements Supplier<InetSocketAddress> {

		private static final long TTL = Duration.ofMinutes(1).toNanos();

		private final String host;

		private final int port;

		private volatile Resolved resolved;

		ProxyAddress(String host, int port) {
			this.host = host;
			this.port = port;
		}

		@Override
		public InetSocketAddress get() {
			Resolved current = this.resolved;
			if (current != null && System.nanoTime() - current.at() < TTL) {
				return current.address();
			}
			InetSocketAddress address = new InetSocketAddress(this.host, this.port);
			if (!address.isUnresolved()) {
				this.resolved = new Resolved(address, System.nanoTime());
			}
			return address;
		}

		private record Resolved(InetSocketAddress address, long at) {
		}

	}

	private static Duration atMostIntegerMillis(Duration duration) {
		return (duration.toMillis() > Integer.MAX_VALUE) ? Duration.ofMillis(Integer.MAX_VALUE) : duration;
	}

}
