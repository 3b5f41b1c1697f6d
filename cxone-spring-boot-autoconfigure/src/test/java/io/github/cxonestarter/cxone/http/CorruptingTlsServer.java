package io.github.cxonestarter.cxone.http;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ThreadLocalRandom;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;

import io.netty.pkitesting.CertificateBuilder;
import io.netty.pkitesting.X509Bundle;

/**
 * An HTTPS server on loopback that reads one whole request per connection and then,
 * instead of answering, writes a TLS application-data record that does not decrypt:
 * the client fails with an SSLException after its request was received.
 */
final class CorruptingTlsServer extends LoopbackSocketServer {

	private final X509Bundle certificate;

	private final SSLContext context;

	private final List<String> requests = new CopyOnWriteArrayList<>();

	private CorruptingTlsServer(X509Bundle certificate, SSLContext context) {
		super("corrupting-tls-server");
		this.certificate = certificate;
		this.context = context;
		accepting();
	}

	static CorruptingTlsServer start() throws Exception {
		Instant now = Instant.now();
		X509Bundle certificate = new CertificateBuilder().subject("CN=127.0.0.1")
			.notBefore(now.minus(1, ChronoUnit.DAYS))
			.notAfter(now.plus(1, ChronoUnit.DAYS))
			.ecp256()
			.setIsCertificateAuthority(true)
			.addExtendedKeyUsageServerAuth()
			.addSanIpAddress(InetAddress.getByName("127.0.0.1"))
			.buildSelfSigned();
		SSLContext context = SSLContext.getInstance("TLS");
		context.init(certificate.toKeyManagerFactory().getKeyManagers(), null, null);
		return new CorruptingTlsServer(certificate, context);
	}

	String certificatePem() {
		return this.certificate.getCertificatePEM();
	}

	List<String> requests() {
		return this.requests;
	}

	@Override
	void handle(Socket raw) {
		try {
			raw.setSoTimeout(10_000);
			SSLSocket tls = (SSLSocket) this.context.getSocketFactory()
				.createSocket(raw, "127.0.0.1", raw.getPort(), false);
			tls.setUseClientMode(false);
			tls.startHandshake();
			InputStream in = tls.getInputStream();
			String head = readHead(in);
			if (head.isEmpty()) {
				return;
			}
			readBody(in, head);
			this.requests.add(head.lines().findFirst().orElse(""));
			// A record that claims to be application data but does not decrypt.
			byte[] record = new byte[5 + 64];
			record[0] = 0x17;
			record[1] = 0x03;
			record[2] = 0x03;
			record[3] = 0x00;
			record[4] = 64;
			byte[] noise = new byte[64];
			ThreadLocalRandom.current().nextBytes(noise);
			System.arraycopy(noise, 0, record, 5, 64);
			OutputStream out = raw.getOutputStream();
			out.write(record);
			out.flush();
			// Wait for the client to give up on the connection.
			InputStream rawIn = raw.getInputStream();
			while (rawIn.read() != -1) {
				// discard
			}
		}
		catch (IOException ex) {
			// The client closed.
		}
		finally {
			closeQuietly(raw);
		}
	}

	private static String readHead(InputStream in) throws IOException {
		ByteArrayOutputStream head = new ByteArrayOutputStream();
		int b;
		while ((b = in.read()) != -1) {
			head.write(b);
			byte[] bytes = head.toByteArray();
			int n = bytes.length;
			if (n >= 4 && bytes[n - 4] == '\r' && bytes[n - 3] == '\n' && bytes[n - 2] == '\r' && bytes[n - 1] == '\n') {
				break;
			}
		}
		return head.toString(StandardCharsets.US_ASCII);
	}

	private static void readBody(InputStream in, String head) throws IOException {
		String lower = head.toLowerCase(Locale.ROOT);
		int length = lower.indexOf("content-length:");
		if (length >= 0) {
			int end = lower.indexOf('\r', length);
			int remaining = Integer.parseInt(lower.substring(length + 15, end).strip());
			while (remaining > 0 && in.read() != -1) {
				remaining--;
			}
		}
		else if (lower.contains("transfer-encoding: chunked")) {
			ByteArrayOutputStream body = new ByteArrayOutputStream();
			int b;
			while ((b = in.read()) != -1) {
				body.write(b);
				if (body.toString(StandardCharsets.US_ASCII).endsWith("0\r\n\r\n")) {
					return;
				}
			}
		}
	}

}
