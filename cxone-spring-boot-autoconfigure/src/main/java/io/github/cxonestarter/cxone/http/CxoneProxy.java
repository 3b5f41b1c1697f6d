package io.github.cxonestarter.cxone.http;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Properties;
import java.util.Set;
import java.util.regex.Pattern;

import io.github.cxonestarter.cxone.CxoneUrls;

import org.springframework.util.StringUtils;

/**
 * The outbound HTTP proxy that connections to CXone go through: from
 * {@code cxone.http.proxy.*}, or from the JVM's standard proxy system properties. It
 * decides, for one host, whether the proxy is used, so that the connection and the error
 * that names it agree. Loopback hosts are never reached through it: they are this
 * machine, and plain {@code http}, which the starter allows only to loopback, would
 * otherwise carry credentials to the proxy in the clear. Its {@link #toString()} never
 * shows the password.
 *
 * @since 0.1.0
 */
public final class CxoneProxy {

	/**
	 * The JVM's default {@code http.nonProxyHosts}: loopback is reached directly.
	 */
	static final String JVM_DEFAULT_NON_PROXY_HOSTS = "localhost|127.*|[::1]";

	private static final Pattern IP_V6_LITERAL = Pattern.compile("[0-9a-f:.]*:[0-9a-f:.]*(%[\\w.-]+)?");

	private final String host;

	private final int port;

	private final String username;

	private final String password;

	private final List<String> nonProxyHosts;

	private final Set<String> directAddresses = new HashSet<>();

	private final Pattern directPattern;

	private final String source;

	private final String credentialProperties;

	private CxoneProxy(String host, int port, String username, String password, List<String> nonProxyHosts,
			String source, String credentialProperties) {
		this.host = host;
		this.port = port;
		this.username = username;
		this.password = password;
		this.nonProxyHosts = entries(nonProxyHosts);
		this.source = source;
		this.credentialProperties = credentialProperties;
		List<String> wildcards = new ArrayList<>();
		for (String entry : this.nonProxyHosts) {
			if (entry.contains("*")) {
				wildcards.add(entry);
			}
			else {
				this.directAddresses.add(canonical(entry));
			}
		}
		this.directPattern = pattern(wildcards);
	}

	/**
	 * Create a proxy from the starter's own properties.
	 * @param host the proxy's host
	 * @param port the proxy's port
	 * @param username the user name for Basic authentication, or {@code null}
	 * @param password the password, or {@code null}
	 * @param nonProxyHosts the hosts reached directly, in the syntax of
	 * {@code http.nonProxyHosts} (a name, or a pattern that starts or ends with {@code *};
	 * an entry may hold several, separated by {@code |})
	 * @return the proxy
	 */
	public static CxoneProxy of(String host, int port, String username, String password, List<String> nonProxyHosts) {
		return new CxoneProxy(host, port, emptyToNull(username), emptyToNull(password), nonProxyHosts,
				"cxone.http.proxy.*", "cxone.http.proxy.username and cxone.http.proxy.password "
						+ "(CXONE_HTTP_PROXY_USERNAME, CXONE_HTTP_PROXY_PASSWORD)");
	}

	/**
	 * Return the proxy that the JVM's standard proxy system properties name, as Reactor
	 * Netty reads them: {@code https.proxyHost} and {@code https.proxyPort} (443), else
	 * {@code http.proxyHost} and {@code http.proxyPort} (80), with
	 * {@code https.proxyUser}/{@code https.proxyPassword} (or the {@code http.} ones) and
	 * {@code http.nonProxyHosts} (by default {@code localhost|127.*|[::1]}, as in the JVM).
	 * @param properties the system properties
	 * @param moreNonProxyHosts more hosts to reach directly, from the starter's own
	 * {@code cxone.http.proxy.non-proxy-hosts}
	 * @return the proxy, or {@code null} when none is set
	 * @throws IllegalArgumentException when a port is not a number, or a user is set
	 * without a password
	 */
	public static CxoneProxy fromSystemProperties(Properties properties, List<String> moreNonProxyHosts) {
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
		String precedence = "Or set cxone.http.proxy.host and cxone.http.proxy.port, which take precedence.";
		if (port < 1 || port > 65535) {
			throw new IllegalArgumentException("The JVM's system property " + portProperty + " is '" + portText
					+ "'; it must be a port number, like 3128, or left out. " + precedence);
		}
		String username = emptyToNull(properties.getProperty(prefix + "proxyUser"));
		String password = emptyToNull(properties.getProperty(prefix + "proxyPassword"));
		if ((username == null) != (password == null)) {
			String set = prefix + ((username != null) ? "proxyUser" : "proxyPassword");
			String unset = prefix + ((username != null) ? "proxyPassword" : "proxyUser");
			throw new IllegalArgumentException("The JVM's system property " + set + " is set but " + unset
					+ " is not; the proxy's Basic authentication needs both. " + precedence);
		}
		List<String> nonProxyHosts = new ArrayList<>();
		nonProxyHosts.add(properties.getProperty("http.nonProxyHosts", JVM_DEFAULT_NON_PROXY_HOSTS));
		nonProxyHosts.addAll(moreNonProxyHosts);
		return new CxoneProxy(properties.getProperty(prefix + "proxyHost").strip(), port, username, password,
				nonProxyHosts, "the JVM's " + prefix + "proxyHost",
				"the JVM's " + prefix + "proxyUser and " + prefix + "proxyPassword");
	}

	private static List<String> entries(List<String> nonProxyHosts) {
		List<String> entries = new ArrayList<>();
		for (String list : nonProxyHosts) {
			for (String entry : list.split("\\|")) {
				if (!entry.isBlank()) {
					entries.add(entry.strip());
				}
			}
		}
		return List.copyOf(entries);
	}

	private static Pattern pattern(List<String> wildcards) {
		List<String> parts = new ArrayList<>();
		for (String entry : wildcards) {
			String prefix = entry.startsWith("*") ? ".*" : "";
			String suffix = (entry.length() > 1 && entry.endsWith("*")) ? ".*" : "";
			String literal = entry.substring(prefix.isEmpty() ? 0 : 1, entry.length() - (suffix.isEmpty() ? 0 : 1));
			parts.add(prefix + (literal.isEmpty() ? "" : Pattern.quote(literal.toLowerCase(Locale.ROOT))) + suffix);
		}
		return parts.isEmpty() ? null : Pattern.compile(String.join("|", parts));
	}

	/**
	 * Return a host as it is compared: lower case, without the dot of an absolute name,
	 * an IPv6 literal without brackets and in the JDK's full form (so that {@code ::1}, {@code [::1]} and
	 * {@code 0:0:0:0:0:0:0:1} are one host). No name is looked up.
	 */
	private static String canonical(String host) {
		String bare = host.strip().toLowerCase(Locale.ROOT);
		if (bare.startsWith("[") && bare.endsWith("]")) {
			bare = bare.substring(1, bare.length() - 1);
		}
		if (bare.length() > 1 && bare.endsWith(".")) {
			// An absolute name (localhost.) is the same host.
			bare = bare.substring(0, bare.length() - 1);
		}
		if (IP_V6_LITERAL.matcher(bare).matches()) {
			try {
				// A literal with a colon is parsed, never looked up.
				return InetAddress.getByName(bare).getHostAddress();
			}
			catch (UnknownHostException ex) {
				return bare;
			}
		}
		return bare;
	}

	private static String emptyToNull(String value) {
		return StringUtils.hasLength(value) ? value : null;
	}

	/**
	 * Return whether a connection to the given host goes through this proxy: it does
	 * unless the host is loopback or matches one of the non-proxy hosts.
	 * @param targetHost the host connected to, as in the URL or as a socket address gives it
	 * @return whether the proxy is used
	 */
	public boolean isUsedFor(String targetHost) {
		if (targetHost == null) {
			return false;
		}
		String host = canonical(targetHost);
		if (CxoneUrls.isLoopback(host) || this.directAddresses.contains(host)) {
			return false;
		}
		return this.directPattern == null || !this.directPattern.matcher(host).matches();
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
	 * Return the hosts reached directly, one entry per host or pattern.
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
	 * Return the settings that hold the proxy's credentials, for messages.
	 * @return the settings
	 */
	public String getCredentialProperties() {
		return this.credentialProperties;
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
