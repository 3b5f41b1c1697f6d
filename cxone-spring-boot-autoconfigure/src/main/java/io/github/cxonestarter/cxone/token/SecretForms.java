package io.github.cxonestarter.cxone.token;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.StringJoiner;
import java.util.regex.Pattern;

/**
 * Finds a secret in text that quotes it, however that text encoded it: a token endpoint's
 * error that echoes the request, a property value that embeds it. One rule, so that what
 * is redacted from messages and what is masked in Actuator's output cannot drift apart.
 *
 * @since 0.1.0
 */
public final class SecretForms {

	/** The short JSON escapes, which a JSON writer may use for these characters. */
	private static final Map<Integer, String> SHORT_ESCAPES = Map.of((int) '"', "\\\"", (int) '\\', "\\\\", (int) '/',
			"\\/", (int) '\b', "\\b", (int) '\f', "\\f", (int) '\n', "\\n", (int) '\r', "\\r", (int) '\t', "\\t");

	private SecretForms() {
	}

	/**
	 * Return a pattern that finds a secret however the text that quotes it wrote it: each
	 * character as it is, JSON-escaped (a short escape, or its UTF-16 code unit in hex of
	 * either case: .NET's JSON writer escapes {@code +} so by default) or percent-encoded
	 * (each UTF-8 byte, either case, {@code +} for a space), in any mix.
	 * @param secret the secret, not empty
	 * @return the pattern
	 */
	public static Pattern pattern(String secret) {
		StringBuilder regex = new StringBuilder();
		secret.codePoints().forEach((codePoint) -> {
			String character = Character.toString(codePoint);
			StringJoiner forms = new StringJoiner("|", "(?:", ")");
			forms.add(Pattern.quote(character));
			StringBuilder unicode = new StringBuilder();
			for (char unit : character.toCharArray()) {
				unicode.append("\\\\u").append(hexInEitherCase(unit, 4));
			}
			forms.add(unicode);
			String shortEscape = SHORT_ESCAPES.get(codePoint);
			if (shortEscape != null) {
				forms.add(Pattern.quote(shortEscape));
			}
			StringBuilder percent = new StringBuilder();
			for (byte b : character.getBytes(StandardCharsets.UTF_8)) {
				percent.append('%').append(hexInEitherCase(b & 0xFF, 2));
			}
			forms.add(percent);
			if (codePoint == ' ') {
				forms.add("\\+");
			}
			regex.append(forms);
		});
		return Pattern.compile(regex.toString());
	}

	private static String hexInEitherCase(int value, int digits) {
		StringBuilder regex = new StringBuilder();
		for (char digit : String.format("%0" + digits + "x", value).toCharArray()) {
			regex.append(Character.isDigit(digit) ? String.valueOf(digit)
					: "[" + digit + Character.toUpperCase(digit) + "]");
		}
		return regex.toString();
	}

}
