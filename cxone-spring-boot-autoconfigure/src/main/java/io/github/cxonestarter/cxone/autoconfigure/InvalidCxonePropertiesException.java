package io.github.cxonestarter.cxone.autoconfigure;

import java.util.List;
import java.util.stream.Collectors;

/**
 * Thrown at start-up when {@code cxone.*} properties are missing or invalid. Reported by
 * {@link InvalidCxonePropertiesFailureAnalyzer}.
 *
 * @since 0.1.0
 */
public class InvalidCxonePropertiesException extends RuntimeException {

	private final List<String> missing;

	private final List<String> problems;

	InvalidCxonePropertiesException(List<String> missing, List<String> problems) {
		super(describe(missing, problems));
		this.missing = List.copyOf(missing);
		this.problems = List.copyOf(problems);
	}

	/**
	 * Return the missing required properties.
	 * @return the property names
	 */
	public List<String> getMissing() {
		return this.missing;
	}

	/**
	 * Return what is wrong with the properties that are set.
	 * @return one sentence per problem
	 */
	public List<String> getProblems() {
		return this.problems;
	}

	static String describe(List<String> missing, List<String> problems) {
		StringBuilder description = new StringBuilder();
		if (!missing.isEmpty()) {
			description.append("Missing environment variables: ")
				.append(missing.stream().map(CxonePropertiesValidator::environmentVariable).collect(Collectors.joining(", ")))
				.append(" (properties ")
				.append(String.join(", ", missing))
				.append(")");
		}
		for (String problem : problems) {
			if (description.length() > 0) {
				description.append(System.lineSeparator());
			}
			description.append(problem);
		}
		return description.toString();
	}

}
