package io.github.cxonestarter.cxone.web;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Reads a {@code Retry-After} header, whatever shape a server or a proxy gave it, without
 * ever throwing. It has no HTTP client types in its signature, so that every transport
 * reads the header the same way:
 * <ul>
 * <li>seconds, with surrounding white space and a fraction allowed ({@code 1.5} waits
 * 1.5 s);</li>
 * <li>an HTTP-date: the time until then, or zero when it has passed;</li>
 * <li>a value too large to count, {@link #UNBOUNDED}: longer than any allowed wait;</li>
 * <li>a negative number or anything else: as if absent;</li>
 * <li>several headers: the longest wait any of them asks for.</li>
 * </ul>
 *
 * @since 0.1.0
 */
public final class RetryAfter {

	/**
	 * The wait of a {@code Retry-After} too large to count: longer than any allowed wait.
	 */
	public static final Duration UNBOUNDED = Duration.ofSeconds(Long.MAX_VALUE);

	private static final Pattern SECONDS = Pattern.compile("\\d+(\\.\\d+)?");

	// Anything with more integer digits than this is far beyond any wait worth counting.
	private static final int MAX_SECONDS_DIGITS = 15;

	private RetryAfter() {
	}

	/**
	 * Return the wait the given {@code Retry-After} values ask for.
	 * @param values the values of every {@code Retry-After} header, possibly none
	 * @param now the current time, for HTTP-dates
	 * @return the wait, {@link #UNBOUNDED}, or {@code null} when no value is usable
	 */
	public static Duration parse(List<String> values, Instant now) {
		Duration longest = null;
		for (String value : values) {
			Duration wait = parse(value, now);
			if (wait != null && (longest == null || wait.compareTo(longest) > 0)) {
				longest = wait;
			}
		}
		return longest;
	}

	/**
	 * Return the wait one {@code Retry-After} value asks for.
	 * @param value the header value, possibly {@code null}
	 * @param now the current time, for HTTP-dates
	 * @return the wait, {@link #UNBOUNDED}, or {@code null} when the value is not usable
	 */
	public static Duration parse(String value, Instant now) {
		if (value == null || value.isBlank()) {
			return null;
		}
		String stripped = value.strip();
		if (SECONDS.matcher(stripped).matches()) {
			int point = stripped.indexOf('.');
			int integerEnd = (point < 0) ? stripped.length() : point;
			int firstSignificant = 0;
			while (firstSignificant < integerEnd - 1 && stripped.charAt(firstSignificant) == '0') {
				firstSignificant++;
			}
			if (integerEnd - firstSignificant > MAX_SECONDS_DIGITS) {
				return UNBOUNDED;
			}
			long millis = new BigDecimal(stripped).movePointRight(3).setScale(0, RoundingMode.CEILING).longValueExact();
			return Duration.ofMillis(millis);
		}
		try {
			Instant date = ZonedDateTime.parse(stripped, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant();
			Duration wait = Duration.between(now, date);
			return wait.isNegative() ? Duration.ZERO : wait;
		}
		catch (DateTimeParseException ex) {
			return null;
		}
	}

	/**
	 * Describe a wait for an error message, like {@code 5s} or {@code 1.5s}.
	 * @param wait the wait
	 * @return the description
	 */
	public static String describe(Duration wait) {
		if (wait.equals(UNBOUNDED)) {
			return "longer than can be counted";
		}
		long millis = wait.toMillis();
		return (millis % 1000 == 0) ? (millis / 1000) + "s" : BigDecimal.valueOf(millis, 3).stripTrailingZeros().toPlainString() + "s";
	}

}
