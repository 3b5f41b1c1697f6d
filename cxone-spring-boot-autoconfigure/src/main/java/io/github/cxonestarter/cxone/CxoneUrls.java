package io.github.cxonestarter.cxone;

import java.net.URI;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * The rule for URLs that credentials may be sent to: {@code https}, or plain {@code http}
 * to a loopback host only, with a host, and without user information or a fragment.
 *
 * @since 0.1.0
 */
public final class CxoneUrls {

	private static final Pattern IPV4_LOOPBACK = Pattern.compile("127(\\.(25[0-5]|2[0-4]\\d|1?\\d?\\d)){3}");

	private CxoneUrls() {
	}

	/**
	 * Return what is wrong with a URL that credentials would be sent to.
	 * @param uri the URL
	 * @return the problem, or {@code null} when the URL is safe
	 */
	public static String problem(URI uri) {
		String scheme = (uri.getScheme() != null) ? uri.getScheme().toLowerCase(Locale.ROOT) : null;
		if (uri.getHost() == null || uri.getRawAuthority() == null || !("https".equals(scheme) || "http".equals(scheme))) {
			return "is not an absolute http(s) URL with a host";
		}
		if (uri.getRawUserInfo() != null || uri.getRawAuthority().contains("@")) {
			return "carries user information before '@', which would change the host credentials are sent to";
		}
		if (uri.getRawFragment() != null) {
			return "has a fragment ('#')";
		}
		if ("http".equals(scheme) && !isLoopback(uri.getHost())) {
			return "would send credentials unencrypted; use https (plain http is allowed only for localhost, "
					+ "127.0.0.0/8 and ::1)";
		}
		return null;
	}

	/**
	 * Return whether a host name is a loopback address: {@code localhost},
	 * {@code 127.0.0.0/8} or {@code ::1}. No name is looked up.
	 * @param host the host
	 * @return whether it is loopback
	 */
	public static boolean isLoopback(String host) {
		String bare = host.toLowerCase(Locale.ROOT);
		if (bare.startsWith("[") && bare.endsWith("]")) {
			bare = bare.substring(1, bare.length() - 1);
		}
		return "localhost".equals(bare) || "::1".equals(bare) || "0:0:0:0:0:0:0:1".equals(bare)
				|| IPV4_LOOPBACK.matcher(bare).matches();
	}

}
