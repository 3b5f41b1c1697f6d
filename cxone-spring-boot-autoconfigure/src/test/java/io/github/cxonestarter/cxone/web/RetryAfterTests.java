package io.github.cxonestarter.cxone.web;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link RetryAfter} reads every shape of {@code Retry-After} without throwing.
 */
class RetryAfterTests {

	private static final Instant NOW = Instant.parse("2026-11-25T12:00:00Z");

	@Test
	void whenSecondsAreGivenThenThatIsTheWait() {
		assertThat(RetryAfter.parse("5", NOW)).isEqualTo(Duration.ofSeconds(5));
		assertThat(RetryAfter.parse("0", NOW)).isZero();
	}

	@Test
	void whenTheValueHasSurroundingWhiteSpaceThenItIsIgnored() {
		assertThat(RetryAfter.parse("  7 \t", NOW)).isEqualTo(Duration.ofSeconds(7));
	}

	@Test
	void whenTheValueIsFractionalThenItIsHonouredToTheMillisecondRoundedUp() {
		assertThat(RetryAfter.parse("1.5", NOW)).isEqualTo(Duration.ofMillis(1500));
		assertThat(RetryAfter.parse("0.0001", NOW)).isEqualTo(Duration.ofMillis(1));
	}

	@Test
	void whenTheValueHasLeadingZerosThenTheyDoNotCountAsDigits() {
		assertThat(RetryAfter.parse("0000000000000000001", NOW)).isEqualTo(Duration.ofSeconds(1));
		assertThat(RetryAfter.parse("00000000000000000000.5", NOW)).isEqualTo(Duration.ofMillis(500));
	}

	@ParameterizedTest
	@ValueSource(strings = { "99999999999999999999", "9223372036854775808", "1000000000000000000000000.5",
			"9999999999999999" })
	void whenTheValueOverflowsThenItIsUnbounded(String value) {
		assertThat(RetryAfter.parse(value, NOW)).isEqualTo(RetryAfter.UNBOUNDED);
	}

	@ParameterizedTest
	@ValueSource(strings = { "-5", "-0", "soon", "1e3", "0x10", "5 s", "", "   ", "Wed, 32 Oct 2026 07:28:00 GMT",
			"+5", ".5", "5." })
	void whenTheValueIsNegativeOrGarbageThenItCountsAsAbsent(String value) {
		assertThat(RetryAfter.parse(value, NOW)).isNull();
	}

	@Test
	void whenTheValueIsAnHttpDateThenTheWaitRunsUntilThenAndNeverBelowZero() {
		assertThat(RetryAfter.parse(httpDate(NOW.plusSeconds(3)), NOW)).isEqualTo(Duration.ofSeconds(3));
		assertThat(RetryAfter.parse(httpDate(NOW.minusSeconds(30)), NOW)).isZero();
		assertThat(RetryAfter.parse(httpDate(NOW.plus(Duration.ofDays(400))), NOW)).isEqualTo(Duration.ofDays(400));
		assertThat(RetryAfter.parse("Fri, 31 Dec 9999 23:59:59 GMT", NOW)).isGreaterThan(Duration.ofDays(365 * 7000));
	}

	@Test
	void whenSeveralHeadersAreGivenThenTheLongestUsableWaitCounts() {
		assertThat(RetryAfter.parse(List.of("2", "garbage", "5", "-1"), NOW)).isEqualTo(Duration.ofSeconds(5));
		assertThat(RetryAfter.parse(List.of("garbage"), NOW)).isNull();
		assertThat(RetryAfter.parse(List.of(), NOW)).isNull();
		assertThat(RetryAfter.parse(List.of("1", "99999999999999999999"), NOW)).isEqualTo(RetryAfter.UNBOUNDED);
	}

	@Test
	void whenAWaitIsDescribedThenItReadsAsSeconds() {
		assertThat(RetryAfter.describe(Duration.ofSeconds(60))).isEqualTo("60s");
		assertThat(RetryAfter.describe(Duration.ofMillis(1500))).isEqualTo("1.5s");
		assertThat(RetryAfter.describe(Duration.ofMillis(250))).isEqualTo("0.25s");
		assertThat(RetryAfter.describe(RetryAfter.UNBOUNDED)).isEqualTo("longer than can be counted");
	}

	private static String httpDate(Instant instant) {
		return DateTimeFormatter.RFC_1123_DATE_TIME.format(instant.atZone(ZoneOffset.UTC));
	}

}
