package io.github.cxonestarter.cxone.http;

import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.UnknownHostException;
import java.nio.channels.UnresolvedAddressException;
import java.security.cert.CertificateException;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.LongSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import javax.net.ssl.SSLException;
import javax.net.ssl.SSLHandshakeException;

import io.github.cxonestarter.cxone.CxoneConnectionException;
import io.github.cxonestarter.cxone.CxoneConnectionException.Kind;
import io.github.cxonestarter.cxone.CxoneFailures;
import io.github.cxonestarter.cxone.CxoneTlsException;
import io.github.cxonestarter.cxone.CxoneTlsException.Problem;
import io.netty.channel.ConnectTimeoutException;
import io.netty.handler.proxy.ProxyConnectException;

/**
 * Turns a transport's failure to get an answer into a {@link CxoneConnectionException}
 * (or a {@link CxoneTlsException}) whose message names the host and port that were
 * tried, whether a proxy was on the way, and the fix. It takes any {@link Throwable} and
 * a URL, so that every client (reactive or blocking) words the same failure the same way.
 * <p>
 * It also remembers a proxy's refusal of the credentials (407): until a growing wait has
 * passed, {@link #admit(URI)} fails every request to a proxied host at once, and then
 * lets one through to try again, so that a wrong password is not sent again on every
 * call and the proxy does not lock the account out.
 *
 * @since 0.1.0
 */
public class ConnectionFailures {

	private static final Pattern PROXY_STATUS = Pattern.compile("status: (\\d{3})\\s*(.*)$");

	private static final Pattern PROXY_ADDRESS = Pattern.compile("^\\w+, \\w+, (\\S+) => ");

	private static final int MAX_REFUSAL_BACKOFF_FACTOR = 64;

	private static final String PROXY_FIX = "set cxone.http.proxy.host and cxone.http.proxy.port "
			+ "(CXONE_HTTP_PROXY_HOST, CXONE_HTTP_PROXY_PORT), or the JVM's https.proxyHost and https.proxyPort";

	private final CxoneHttpSettings settings;

	private final Duration refusalBackoff;

	private final AtomicReference<Refusal> refusal = new AtomicReference<>();

	private final LongSupplier nanoTime;

	/**
	 * Create a new instance.
	 * @param settings the settings the connections are made with
	 * @param refusalBackoff how long nothing is sent through a proxy after it refused the
	 * credentials; doubled with each further refusal
	 */
	public ConnectionFailures(CxoneHttpSettings settings, Duration refusalBackoff) {
		this(settings, refusalBackoff, System::nanoTime);
	}

	ConnectionFailures(CxoneHttpSettings settings, Duration refusalBackoff, LongSupplier nanoTime) {
		this.settings = settings;
		this.refusalBackoff = refusalBackoff;
		this.nanoTime = nanoTime;
	}

	/**
	 * Decide whether a request may be sent: not while the proxy it would go through has
	 * just refused the credentials. Once the wait is over, one request is let through to
	 * try them again (the probe), and the others keep failing at once until it has an
	 * answer: a refused password goes to the proxy once per wait, however many callers
	 * there are. The caller reports how the probe ended with {@link #probeEnded}.
	 * @param uri the URL to request
	 * @return the admission: send as usual, send as the probe, or fail at once
	 */
	public Admission admit(URI uri) {
		Refusal last = this.refusal.get();
		if (last == null || !guards(uri)) {
			return Admission.SEND;
		}
		long now = this.nanoTime.getAsLong();
		boolean waiting = now - last.at() < last.backoff().toNanos();
		// A probe that never ended (cancelled, say) does not hold the others back past another wait.
		boolean probing = last.probing() && now - last.probeAt() < last.backoff().toNanos();
		if (!waiting && !probing) {
			Refusal probe = last.probing(now);
			if (this.refusal.compareAndSet(last, probe)) {
				return new Admission(null, probe);
			}
		}
		Refusal current = this.refusal.get();
		if (current == null) {
			return Admission.SEND;
		}
		String when = (current.probing() ? "; one request is trying the credentials again now" : "")
				+ ". The starter sends nothing else through it for " + current.backoff().toMillis() + " ms after a "
				+ "refusal (cxone.http.proxy.refusal-backoff, doubled with each refusal that follows), so that the "
				+ "proxy does not lock the account out.";
		String reason = current.reason().endsWith(".") ? current.reason().substring(0, current.reason().length() - 1)
				: current.reason();
		return new Admission(new CxoneConnectionException("Not sent through the proxy " + proxyName() + ": " + reason
				+ when, uri, current.proxy(), Kind.PROXY_REFUSED, false, 1, null), null);
	}

	/**
	 * Report how the probe that {@link #admit} let through ended: with an answer (the
	 * proxy took the credentials, and the refusal is forgotten) or not (another request may
	 * probe). A refusal of the probe itself was recorded when it was classified.
	 * @param admission the probe's admission
	 * @param answered whether the probe got an answer through the proxy
	 */
	public void probeEnded(Admission admission, boolean answered) {
		Refusal probe = admission.probe;
		if (probe != null) {
			this.refusal.compareAndSet(probe, answered ? null : probe.released());
		}
	}

	private boolean guards(URI uri) {
		// With the application's own connector, which hosts its proxy serves is not known.
		return this.settings.proxy() == null || this.settings.proxied(uri.getHost());
	}

	/**
	 * Return the typed error for a failure to get an answer from the given URL, or
	 * {@code null} when the failure is not the transport's.
	 * @param failure the failure, as the HTTP client raised it
	 * @param uri the URL that was requested
	 * @param urlProperty the property that sets that URL, for messages, like
	 * {@code cxone.base-url (CXONE_BASE_URL)}
	 * @return the error, or {@code null}
	 */
	public CxoneConnectionException classify(Throwable failure, URI uri, String urlProperty) {
		CxoneConnectionException typed = CxoneFailures.find(failure, CxoneConnectionException.class);
		if (typed != null) {
			return typed;
		}
		String target = uri.getHost() + ":" + CxoneConnectionException.port(uri);
		boolean proxied = this.settings.proxied(uri.getHost());
		String route = route(uri.getHost());
		String root = CxoneFailures.rootCause(failure);
		ProxyConnectException proxyRefusal = CxoneFailures.find(failure, ProxyConnectException.class);
		if (proxyRefusal != null) {
			return proxyRefused(proxyRefusal, uri, target);
		}
		String proxy = proxied ? proxyAddress(null) : null;
		SSLHandshakeException handshake = CxoneFailures.find(failure, SSLHandshakeException.class);
		if (handshake != null) {
			return tlsFailed(handshake, uri, target, route, proxy, root, urlProperty);
		}
		if (CxoneFailures.find(failure, SSLException.class) != null) {
			// After the handshake: the request may have gone out, as on any connection that broke.
			return new CxoneConnectionException("The TLS connection to " + target + " " + route + " broke after "
					+ "its handshake (" + root + "). Check the network path to CXone" + (proxied ? " and the proxy." : ".")
					+ " The certificates trusted are set with cxone.http.ssl.bundle (CXONE_HTTP_SSL_BUNDLE).", uri, proxy,
					Kind.CONNECTION_CLOSED, true, 1, failure);
		}
		if (CxoneFailures.find(failure, ConnectTimeoutException.class) != null) {
			String what = proxied ? "Connecting to the proxy " + proxyName() + " on the way to " + target + " timed out"
					: "Connecting to " + target + " " + route + " timed out";
			String fix = proxied ? "Check that the proxy is reachable from here, or raise cxone.http.connect-timeout."
					: "If this network reaches the internet only through an HTTP proxy, " + PROXY_FIX
							+ "; otherwise check that " + target + " is reachable, or raise cxone.http.connect-timeout.";
			return new CxoneConnectionException(what + " after cxone.http.connect-timeout ("
					+ this.settings.connectTimeout().toMillis() + " ms). " + fix, uri, proxy, Kind.CONNECT_TIMEOUT, true,
					1, failure);
		}
		if (CxoneFailures.find(failure, UnknownHostException.class) != null
				|| CxoneFailures.find(failure, UnresolvedAddressException.class) != null) {
			String what = proxied ? "The host name of the proxy " + proxyName() + " could not be resolved (" + root
					+ "), on the way to " + target + ". Check cxone.http.proxy.host."
					: "The host name " + uri.getHost() + " could not be resolved (" + root + "), connecting " + route
							+ ". Check " + urlProperty + "; if names outside this network resolve only through a proxy, "
							+ PROXY_FIX + ".";
			return new CxoneConnectionException(what, uri, proxy, Kind.UNKNOWN_HOST, true, 1, failure);
		}
		if (CxoneFailures.find(failure, ConnectException.class) != null) {
			String what = proxied ? "The proxy " + proxyName() + " could not be connected to on the way to " + target
					+ " (" + root + "). Check cxone.http.proxy.host and cxone.http.proxy.port, and that the proxy is "
					+ "running."
					: "The connection to " + target + " " + route + " failed (" + root + "). Check " + urlProperty
							+ "; if this network reaches the internet only through an HTTP proxy, " + PROXY_FIX + ".";
			return new CxoneConnectionException(what, uri, proxy, Kind.CONNECTION_FAILED, true, 1, failure);
		}
		// A connect timeout was told above: what times out here is the answer.
		if (CxoneFailures.isTimeout(failure)) {
			return new CxoneConnectionException(target + " " + route + " sent no answer within cxone.http.response-timeout ("
					+ this.settings.responseTimeout().toMillis() + " ms). Raise cxone.http.response-timeout "
					+ "(CXONE_HTTP_RESPONSE_TIMEOUT), or check CXone's status.", uri, proxy, Kind.RESPONSE_TIMEOUT, true,
					1, failure);
		}
		if (CxoneFailures.find(failure, IOException.class) != null) {
			return new CxoneConnectionException("The connection to " + target + " " + route
					+ " closed before an answer came (" + root + "). Check the network path to CXone"
					+ (proxied ? " and the proxy." : "."), uri, proxy, Kind.CONNECTION_CLOSED, true, 1, failure);
		}
		return null;
	}

	/**
	 * Return how a connection to the given host is made, for messages: through which
	 * proxy, or directly and why.
	 * @param host the host
	 * @return the description
	 */
	public String route(String host) {
		CxoneProxy proxy = this.settings.proxy();
		if (proxy == null) {
			return "directly (no proxy is configured)";
		}
		return proxy.isUsedFor(host) ? "through the proxy " + proxy.describe()
				: "directly (it is loopback, or one of the non-proxy hosts of " + proxy.getSource() + ")";
	}

	private String proxyName() {
		CxoneProxy proxy = this.settings.proxy();
		return (proxy != null) ? proxy.describe() : "that the application's own connector is configured with";
	}

	/**
	 * Return the proxy as {@code host:port}: the starter's, or the one a refusal names
	 * when the application's own connector has a proxy of its own.
	 */
	private String proxyAddress(ProxyConnectException refusal) {
		CxoneProxy proxy = this.settings.proxy();
		if (proxy != null) {
			return proxy.getHost() + ":" + proxy.getPort();
		}
		Matcher address = PROXY_ADDRESS.matcher((refusal != null) ? String.valueOf(refusal.getMessage()) : "");
		return address.find() ? address.group(1).replaceFirst("^[^/]*/", "") : "unknown";
	}

	private CxoneConnectionException proxyRefused(ProxyConnectException refusal, URI uri, String target) {
		String proxy = proxyAddress(refusal);
		String through = (this.settings.proxy() != null) ? this.settings.proxy().describe() : proxy;
		Matcher status = PROXY_STATUS.matcher(String.valueOf(refusal.getMessage()));
		if (!status.find()) {
			// No status: the proxy did not answer the CONNECT in time, or closed the connection.
			return new CxoneConnectionException("The proxy " + through + " did not open a tunnel to " + target
					+ " (" + CxoneFailures.rootCause(refusal) + "). Check that the proxy is reachable and allows "
					+ "HTTPS (CONNECT) to " + target + ".", uri, proxy, Kind.PROXY_REFUSED, true, 1, refusal);
		}
		int code = Integer.parseInt(status.group(1));
		String answered = "The proxy " + through + " refused to open a tunnel to " + target + ": it answered " + code
				+ (status.group(2).isBlank() ? "" : " " + status.group(2).strip()) + ". ";
		if (code == 407) {
			CxoneProxy configured = this.settings.proxy();
			String credentials = (configured != null) ? configured.getCredentialProperties()
					: "the proxy credentials of the application's own connector";
			String reason = (configured == null || configured.getUsername() != null)
					? "It refused the credentials: check " + credentials + "."
					: "It asks for credentials: set " + credentials + ".";
			remember(reason, proxy);
			return new CxoneConnectionException(answered + reason, uri, proxy, Kind.PROXY_REFUSED, false, 1, refusal);
		}
		boolean refusedHost = code == 403 || code == 405;
		return new CxoneConnectionException(answered + (refusedHost
				? "Ask for HTTPS (CONNECT) to " + target + " to be allowed through the proxy, or add the host to "
						+ "cxone.http.proxy.non-proxy-hosts if it is reached directly."
				: "The proxy could not reach " + target + ": check the URL's host, and the proxy's status."), uri, proxy,
				Kind.PROXY_REFUSED, !refusedHost, 1, refusal);
	}

	private void remember(String reason, String proxy) {
		long now = this.nanoTime.getAsLong();
		this.refusal.updateAndGet((previous) -> {
			if (previous == null) {
				return new Refusal(now, this.refusalBackoff, reason, proxy, false, 0);
			}
			// Only the probe's refusal is a further one, and waits twice as long: the others are
			// requests that were on their way before the first refusal was known.
			Duration backoff = previous.probing()
					? min(previous.backoff().multipliedBy(2), this.refusalBackoff.multipliedBy(MAX_REFUSAL_BACKOFF_FACTOR))
					: previous.backoff();
			return new Refusal(previous.probing() ? now : previous.at(), backoff, reason, proxy, false, 0);
		});
	}

	private static Duration min(Duration a, Duration b) {
		return (a.compareTo(b) <= 0) ? a : b;
	}

	private CxoneTlsException tlsFailed(SSLHandshakeException tls, URI uri, String target, String route, String proxy, String root,
			String urlProperty) {
		String bundle = this.settings.sslBundleName();
		String handshake = "The TLS handshake with " + target + " " + route + " failed: ";
		CertificateException certificate = CxoneFailures.find(tls, CertificateException.class);
		if (certificate != null && isHostNameMismatch(certificate)) {
			return new CxoneTlsException(handshake + "the certificate it presented is not issued for " + uri.getHost()
					+ " (" + root + "). Check that " + urlProperty + " names the host the certificate is for; a "
					+ "TLS-inspecting proxy must issue its certificates for the host asked for. cxone.http.ssl.bundle "
					+ "(CXONE_HTTP_SSL_BUNDLE) sets which CAs are trusted, not which names.", uri, proxy,
					Problem.HOST_NAME_MISMATCH, 1, tls);
		}
		if (certificate != null) {
			// PKIX's "unable to find valid certification path", SunX509's "No trusted certificate
			// found", a signature that does not match: the chain is not one the trust material trusts.
			String fix = (bundle != null)
					? "cxone.http.ssl.bundle is '" + bundle + "', and that bundle does not trust it: add the certificate "
							+ "of the CA that issued it to the truststore of spring.ssl.bundle.*." + bundle + "."
					: "If CXone is reached through a TLS-inspecting proxy, or its certificate is issued by a corporate "
							+ "CA, set cxone.http.ssl.bundle (CXONE_HTTP_SSL_BUNDLE) to the name of an SSL bundle that "
							+ "trusts that CA, like spring.ssl.bundle.pem.corporate.truststore.certificate.";
			return new CxoneTlsException(handshake + "the certificate it presented is not trusted (" + root + "). " + fix,
					uri, proxy, Problem.UNTRUSTED_CERTIFICATE, 1, tls);
		}
		return new CxoneTlsException(handshake + root + ". Check that " + target + " speaks TLS on that port; the "
				+ "certificates trusted are set with cxone.http.ssl.bundle (CXONE_HTTP_SSL_BUNDLE).", uri, proxy,
				Problem.HANDSHAKE_FAILED, 1, tls);
	}

	/**
	 * Return whether the JDK's host name check refused the certificate: the messages of
	 * {@code sun.security.util.HostnameChecker}, the only words it gives.
	 */
	private static boolean isHostNameMismatch(CertificateException certificate) {
		for (Throwable candidate = certificate; candidate != null; candidate = candidate.getCause()) {
			String message = String.valueOf(candidate.getMessage());
			if (message.startsWith("No subject alternative") || message.startsWith("No name matching")) {
				return true;
			}
		}
		return false;
	}

	/**
	 * A refusal of the credentials: when, how long nothing is sent, and whether a probe
	 * is on its way.
	 */
	private record Refusal(long at, Duration backoff, String reason, String proxy, boolean probing, long probeAt) {

		Refusal probing(long now) {
			return new Refusal(this.at, this.backoff, this.reason, this.proxy, true, now);
		}

		Refusal released() {
			return new Refusal(this.at, this.backoff, this.reason, this.proxy, false, 0);
		}

	}

	/**
	 * Whether a request may be sent: as usual, as the probe of refused credentials, or
	 * not at all.
	 */
	public static final class Admission {

		static final Admission SEND = new Admission(null, null);

		private final CxoneConnectionException refusal;

		private final Refusal probe;

		private Admission(CxoneConnectionException refusal, Refusal probe) {
			this.refusal = refusal;
			this.probe = probe;
		}

		/**
		 * Return the error to fail the request with at once.
		 * @return the error, or {@code null} to send the request
		 */
		public CxoneConnectionException refusal() {
			return this.refusal;
		}

		/**
		 * Return whether this request is the probe, whose end must be reported.
		 * @return whether it is the probe
		 */
		public boolean isProbe() {
			return this.probe != null;
		}

	}

}
