package io.github.cxonestarter.cxone.http;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import io.github.cxonestarter.cxone.CxoneUrls;

/**
 * A small forward proxy on a loopback port, as a corporate network has one: it opens
 * tunnels with HTTP {@code CONNECT} (all Reactor Netty sends, for HTTPS and plain HTTP
 * alike), answers {@code 407} without the Basic credentials it was started with, and
 * counts what it forwards. It resolves a name as a proxy does, from the tests' hosts file
 * (never from DNS), and tunnels to loopback addresses only: anything else gets
 * {@code 403}, and a name it cannot resolve {@code 502}, so that no test reaches out
 * through it.
 */
final class ForwardProxy extends LoopbackSocketServer {

	private final String expectedAuthorization;

	private final List<String> tunnels = new CopyOnWriteArrayList<>();

	private final List<String> authorizations = new CopyOnWriteArrayList<>();

	private final AtomicInteger refused = new AtomicInteger();

	private final AtomicInteger notConnect = new AtomicInteger();

	private ForwardProxy(String username, String password) {
		super("forward-proxy");
		this.expectedAuthorization = (username != null) ? "Basic " + Base64.getEncoder()
			.encodeToString((username + ":" + password).getBytes(StandardCharsets.UTF_8)) : null;
		accepting();
	}

	static ForwardProxy start() {
		return start(null, null);
	}

	static ForwardProxy start(String username, String password) {
		return new ForwardProxy(username, password);
	}

	/**
	 * Return the targets ({@code host:port}) of the tunnels opened, one per connection.
	 */
	List<String> tunnels() {
		return List.copyOf(this.tunnels);
	}

	/**
	 * Return the {@code Proxy-Authorization} headers received, in order.
	 */
	List<String> authorizations() {
		return List.copyOf(this.authorizations);
	}

	/**
	 * Return how many {@code CONNECT}s were refused with 407.
	 */
	int refused() {
		return this.refused.get();
	}

	/**
	 * Return how many requests were not a {@code CONNECT}.
	 */
	int notConnect() {
		return this.notConnect.get();
	}

	@Override
	void handle(Socket client) throws IOException {
		InputStream in = client.getInputStream();
		List<String> head = readHead(in);
		if (head.isEmpty()) {
			closeQuietly(client);
			return;
		}
		String[] requestLine = head.get(0).split(" ");
		if (requestLine.length != 3 || !"CONNECT".equals(requestLine[0])) {
			this.notConnect.incrementAndGet();
			answer(client, "400 Bad Request");
			return;
		}
		String authorization = header(head, "proxy-authorization");
		if (authorization != null) {
			this.authorizations.add(authorization);
		}
		if (this.expectedAuthorization != null && !this.expectedAuthorization.equals(authorization)) {
			this.refused.incrementAndGet();
			answer(client, "407 Proxy Authentication Required\r\nProxy-Authenticate: Basic realm=\"test\"");
			return;
		}
		String target = requestLine[1];
		int colon = target.lastIndexOf(':');
		String host = target.substring(0, colon);
		int port = Integer.parseInt(target.substring(colon + 1));
		String bare = (host.startsWith("[") && host.endsWith("]")) ? host.substring(1, host.length() - 1) : host;
		InetAddress address = resolve(bare);
		if (address == null) {
			answer(client, "502 Bad Gateway");
			return;
		}
		if (!address.isLoopbackAddress()) {
			answer(client, "403 Forbidden");
			return;
		}
		Socket upstream;
		try {
			upstream = new Socket();
			upstream.connect(new InetSocketAddress(address, port), 5000);
		}
		catch (IOException ex) {
			answer(client, "502 Bad Gateway");
			return;
		}
		track(upstream);
		this.tunnels.add(target);
		OutputStream out = client.getOutputStream();
		out.write("HTTP/1.1 200 Connection Established\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
		out.flush();
		Thread back = new Thread(() -> pump(upstream, client), "forward-proxy-back");
		back.setDaemon(true);
		back.start();
		pump(client, upstream);
	}

	private void pump(Socket from, Socket to) {
		byte[] buffer = new byte[8192];
		try {
			InputStream in = from.getInputStream();
			OutputStream out = to.getOutputStream();
			int read;
			while ((read = in.read(buffer)) != -1) {
				out.write(buffer, 0, read);
				out.flush();
			}
		}
		catch (IOException ex) {
			// One side closed: close both.
		}
		closeQuietly(from);
		closeQuietly(to);
	}

	private void answer(Socket client, String statusAndHeaders) throws IOException {
		OutputStream out = client.getOutputStream();
		out.write(("HTTP/1.1 " + statusAndHeaders + "\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")
			.getBytes(StandardCharsets.US_ASCII));
		out.flush();
		closeQuietly(client);
	}

	/**
	 * Resolve a target as a proxy does: an address as it is, a name only in a JVM whose
	 * names come from the tests' hosts file ({@code jdk.net.hosts.file}), never from DNS.
	 */
	private static InetAddress resolve(String host) {
		boolean literal = CxoneUrls.isLoopback(host) || host.indexOf(':') >= 0 || host.matches("[0-9.]+");
		if (!literal && System.getProperty("jdk.net.hosts.file") == null) {
			return null;
		}
		try {
			return InetAddress.getByName(host);
		}
		catch (IOException ex) {
			return null;
		}
	}

	private static List<String> readHead(InputStream in) throws IOException {
		List<String> lines = new ArrayList<>();
		ByteArrayOutputStream line = new ByteArrayOutputStream();
		int b;
		while ((b = in.read()) != -1) {
			if (b == '\n') {
				String text = line.toString(StandardCharsets.ISO_8859_1);
				text = text.endsWith("\r") ? text.substring(0, text.length() - 1) : text;
				if (text.isEmpty()) {
					return lines;
				}
				lines.add(text);
				line.reset();
			}
			else {
				line.write(b);
			}
		}
		return List.of();
	}

	private static String header(List<String> head, String name) {
		for (String line : head.subList(1, head.size())) {
			int colon = line.indexOf(':');
			if (colon > 0 && line.substring(0, colon).strip().toLowerCase(Locale.ROOT).equals(name)) {
				return line.substring(colon + 1).strip();
			}
		}
		return null;
	}

}
