package io.github.cxonestarter.cxone.http;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Properties;
import java.util.regex.Pattern;

import org.springframework.util.StringUtils;

/**
 * The outbound HTTP proxy that connections to CXone go through: from
 * {@code cxone.http.proxy.*}, or from the JVM's standard proxy system properties. It
 * decides, for one host, whether the proxy is used, so that the connection and the error
 * that names it agree. Its {@link #toString()} never shows the password.
 *
 * @since 0.1.0
 */
public final class CxoneProxy {

	/**
	 * The JVM's default {@code http.nonProxyHosts}: loopback is reached directly.
	 */
	static final String JVM_DEFAULT_NON_PROXY_HOSTS = "localhost|127.*|[::1]";

	private final String host;

	private final int port;

	private final String username;

	private final String password;

	private final List<String> nonProxyHosts;

	private final Pattern direct;

	private final String source;

	private CxoneProxy(String host, int port, String username, String password, List<String> nonProxyHosts,
			String source) {
		this.host = host;
		this.port = port;
		this.username = username;
		this.password = password;
		this.nonProxyHosts = List.copyOf(nonProxyHosts);
		this.direct = pattern(this.nonProxyHosts);
		this.source = source;
	}

	/**
	 * Create a proxy from the starter's own properties.
	 * @param host the proxy's host
	 * @param port the proxy's port
	 * @param username the user name for Basic authentication, or {@code null}
	 * @param password the password, or {@code null}
	 * @param nonProxyHosts the hosts reached directly, in the syntax of
	 * {@code http.nonProxyHosts} (a name, or a pattern that starts or ends with {@code *})
	 * @return the proxy
	 */
	public static CxoneProxy of(String host, int port, String username, String password, List<String> nonProxyHosts) {
		return new CxoneProxy(host, port, emptyToNull(username), emptyToNull(password), nonProxyHosts,
				"cxone.http.proxy.*");
	}

	/**
	 * Return the proxy that the JVM's standard proxy system properties name, as Reactor
	 * Netty reads them: {@code https.proxyHost} and {@code https.proxyPort} (443), else
	 * {@code http.proxyHost} and {@code http.proxyPort} (80), with
	 * {@code https.proxyUser}/{@code https.proxyPassword} (or the {@code http.} ones) and
	 * {@code http.nonProxyHosts} (by default {@code localhost|127.*|[::1]}, as in the JVM).
	 * @param properties the system properties
	 * @return the proxy, or {@code null} when none is set
	 * @throws IllegalArgumentException when a port is not a number
	 */
	public static CxoneProxy fromSystemProperties(Properties properties) {
		String prefix = StringUtils.hasText(properties.getProperty("https.proxyHost")) ? "https."
				: StringUtils.hasText(properties.getProperty("http.proxyHost")) ? "http." : null;
		if (prefix == null) {
			return null;
		}
		String portProperty = prefix + "proxyPort";
		String portText = properties.getProperty(portProperty, "https.".equals(prefix) ? "443" : "80").strip();
		int port;
		try {
			port = Integer.parseInt(portText);
		}
		catch (NumberFormatException ex) {
			port = -1;
		}
		if (port < 1 || port > 65535) {
			throw new IllegalArgumentException("The JVM's system property " + portProperty + " is '" + portText
					+ "'; it must be a port number, like 3128, or left out. Or set cxone.http.proxy.host and "
					+ "cxone.http.proxy.port, which take precedence.");
		}
		String nonProxyHosts = properties.getProperty("http.nonProxyHosts", JVM_DEFAULT_NON_PROXY_HOSTS);
		List<String> patterns = new ArrayList<>();
		for (String pattern : nonProxyHosts.split("\\|")) {
			if (!pattern.isBlank()) {
				patterns.add(pattern.strip());
			}
		}
		return new CxoneProxy(properties.getProperty(prefix + "proxyHost").strip(), port,
				emptyToNull(properties.getProperty(prefix + "proxyUser")),
				emptyToNull(properties.getProperty(prefix + "proxyPassword")), patterns,
				"the JVM's " + prefix + "proxyHost");
	}

	private static Pattern pattern(List<String> nonProxyHosts) {
		List<String> parts = new ArrayList<>();
		for (String host : nonProxyHosts) {
			String bare = host.strip();
			if (bare.isEmpty()) {
				continue;
			}
			String prefix = bare.startsWith("*") ? ".*" : "";
			String suffix = (bare.length() > 1 && bare.endsWith("*")) ? ".*" : "";
			String literal = bare.substring(prefix.isEmpty() ? 0 : 1, bare.length() - (suffix.isEmpty() ? 0 : 1));
			parts.add(prefix + (literal.isEmpty() ? "" : Pattern.quote(literal)) + suffix);
		}
		return parts.isEmpty() ? null : Pattern.compile(String.join("|", parts), Pattern.CASE_INSENSITIVE);
	}

	private static String emptyToNull(String value) {
		return StringUtils.hasLength(value) ? value : null;
	}

	/**
	 * Return whether a connection to the given host goes through this proxy: it does
	 * unless the host matches one of the non-proxy hosts.
	 * @param targetHost the host connected to, as in the URL
	 * @return whether the proxy is used
	 */
	public boolean isUsedFor(String targetHost) {
		if (this.direct == null || targetHost == null) {
			return true;
		}
		String bare = targetHost.toLowerCase(Locale.ROOT);
		// An IPv6 literal is matched with and without its brackets, as patterns are written either way.
		String unbracketed = (bare.startsWith("[") && bare.endsWith("]")) ? bare.substring(1, bare.length() - 1) : bare;
		return !(this.direct.matcher(bare).matches() || this.direct.matcher(unbracketed).matches()
				|| this.direct.matcher("[" + unbracketed + "]").matches());
	}

	/**
	 * Return the proxy's host.
	 * @return the host
	 */
	public String getHost() {
		return this.host;
	}

	/**
	 * Return the proxy's port.
	 * @return the port
	 */
	public int getPort() {
		return this.port;
	}

	/**
	 * Return the user name for the proxy's Basic authentication.
	 * @return the user name, or {@code null}
	 */
	public String getUsername() {
		return this.username;
	}

	/**
	 * Return the password for the proxy's Basic authentication.
	 * @return the password, or {@code null}
	 */
	public String getPassword() {
		return this.password;
	}

	/**
	 * Return the hosts reached directly.
	 * @return the non-proxy hosts
	 */
	public List<String> getNonProxyHosts() {
		return this.nonProxyHosts;
	}

	/**
	 * Return where this proxy was configured, for messages: {@code cxone.http.proxy.*}
	 * or a JVM system property.
	 * @return the source
	 */
	public String getSource() {
		return this.source;
	}

	/**
	 * Return the proxy's address and where it was configured, like
	 * {@code proxy.corp.example:3128 (cxone.http.proxy.*)}.
	 * @return the description
	 */
	public String describe() {
		return this.host + ":" + this.port + " (" + this.source + ")";
	}

	@Override
	public String toString() {
		return "CxoneProxy[" + this.host + ":" + this.port + ", source=" + this.source + ", username=" + this.username
				+ ", password=" + ((this.password != null) ? "[redacted]" : "none") + ", nonProxyHosts="
				+ this.nonProxyHosts + "]";
	}

}
