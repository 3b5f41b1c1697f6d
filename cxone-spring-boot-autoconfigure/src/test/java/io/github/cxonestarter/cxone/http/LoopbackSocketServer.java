package io.github.cxonestarter.cxone.http;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A plain socket server on a free loopback port, one thread per connection, for the test
 * servers that speak below HTTP (a forward proxy, a TLS server that misbehaves): it
 * accepts, tracks and closes the sockets, and the subclass handles each connection.
 */
abstract class LoopbackSocketServer implements AutoCloseable {

	private final ServerSocket server;

	private final Set<Socket> open = ConcurrentHashMap.newKeySet();

	private final String name;

	LoopbackSocketServer(String name) {
		this.name = name;
		try {
			this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	/**
	 * Start accepting; called once the subclass is fully built.
	 */
	final void accepting() {
		Thread acceptor = new Thread(this::accept, this.name + "-" + port());
		acceptor.setDaemon(true);
		acceptor.start();
	}

	/**
	 * Handle one accepted connection, on a thread of its own.
	 * @param socket the connection
	 * @throws IOException when the connection fails; it is then closed
	 */
	abstract void handle(Socket socket) throws IOException;

	final int port() {
		return this.server.getLocalPort();
	}

	/**
	 * Track a socket of the server's own (an upstream connection), to close with it.
	 */
	final void track(Socket socket) {
		this.open.add(socket);
	}

	final void closeQuietly(Socket socket) {
		this.open.remove(socket);
		try {
			socket.close();
		}
		catch (IOException ex) {
			// Already closed.
		}
	}

	/**
	 * Return a loopback port nothing listens on.
	 */
	static int closedPort() {
		try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
			return socket.getLocalPort();
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	private void accept() {
		while (!this.server.isClosed()) {
			Socket socket;
			try {
				socket = this.server.accept();
			}
			catch (IOException ex) {
				return;
			}
			track(socket);
			Thread handler = new Thread(() -> {
				try {
					handle(socket);
				}
				catch (IOException ex) {
					closeQuietly(socket);
				}
			}, this.name + "-connection");
			handler.setDaemon(true);
			handler.start();
		}
	}

	@Override
	public void close() {
		try {
			this.server.close();
		}
		catch (IOException ex) {
			// Closing anyway.
		}
		for (Socket socket : this.open) {
			closeQuietly(socket);
		}
	}

}
