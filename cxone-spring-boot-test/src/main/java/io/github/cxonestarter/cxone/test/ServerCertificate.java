package io.github.cxonestarter.cxone.test;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.regex.Pattern;

import io.netty.pkitesting.CertificateBuilder;
import io.netty.pkitesting.X509Bundle;

/**
 * The certificate {@link EmbeddedCxone} serves HTTPS with: a self-signed one, made at
 * start-up (an EC P-256 key, so that it takes milliseconds), for the host names and
 * addresses it is asked for. Nobody trusts it unless a test says so.
 */
final class ServerCertificate {

	private static final Pattern IP_ADDRESS = Pattern.compile("[0-9.]+|[0-9A-Fa-f:]*:[0-9A-Fa-f:.]*");

	private final X509Bundle bundle;

	private ServerCertificate(X509Bundle bundle) {
		this.bundle = bundle;
	}

	static ServerCertificate create(List<String> hostNames) {
		Instant now = Instant.now();
		CertificateBuilder builder = new CertificateBuilder().subject("CN=" + hostNames.get(0) + ", O=EmbeddedCxone")
			.notBefore(now.minus(1, ChronoUnit.DAYS))
			.notAfter(now.plus(30, ChronoUnit.DAYS))
			.ecp256()
			.setIsCertificateAuthority(true)
			.addExtendedKeyUsageServerAuth();
		for (String name : hostNames) {
			if (IP_ADDRESS.matcher(name).matches()) {
				try {
					builder.addSanIpAddress(InetAddress.getByName(name));
				}
				catch (UnknownHostException ex) {
					throw new IllegalArgumentException("'" + name + "' is not an IP address", ex);
				}
			}
			else {
				builder.addSanDnsName(name);
			}
		}
		try {
			return new ServerCertificate(builder.buildSelfSigned());
		}
		catch (Exception ex) {
			throw new IllegalStateException("The embedded CXone's certificate could not be made", ex);
		}
	}

	X509Bundle bundle() {
		return this.bundle;
	}

	String pem() {
		return this.bundle.getCertificatePEM();
	}

}
