package io.github.cxonestarter.cxone.http;

import java.util.List;
import java.util.Properties;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * Which hosts {@link CxoneProxy} reaches through the proxy, as the JVM's
 * {@code http.nonProxyHosts} reads its patterns, and what it takes from the JVM's proxy
 * system properties. No name is looked up.
 */
class CxoneProxyTests {

	@Test
	void whenAHostMatchesANonProxyHostInAnyFormThenItIsReachedDirectly() {
		CxoneProxy proxy = CxoneProxy.of("proxy.corp.example", 3128, null, null,
				List.of("*.corp.example", "10.*", "crm.partner.example|erp.partner.example", " ", "[2001:db8::7]"));
		assertThat(List.of("crm.corp.example", "CRM.Corp.Example", "10.1.2.3", "erp.partner.example",
				"2001:db8:0:0:0:0:0:7", "[2001:db8::7]", "2001:DB8::7"))
			.noneMatch(proxy::isUsedFor);
		assertThat(List.of("acme.api.nice.incontact.com", "corp.example.evil.com", "110.1.2.3", "partner.example",
				"[2001:db8::8]"))
			.allMatch(proxy::isUsedFor);
	}

	@Test
	void whenAHostIsLoopbackThenItIsNeverReachedThroughTheProxyWhateverTheNonProxyHostsSay() {
		CxoneProxy proxy = CxoneProxy.of("proxy.corp.example", 3128, null, null, List.of());
		assertThat(List.of("localhost", "LOCALHOST", "127.0.0.1", "127.10.20.30", "::1", "[::1]", "0:0:0:0:0:0:0:1"))
			.noneMatch(proxy::isUsedFor);
		assertThat(proxy.isUsedFor("localhost.evil.com")).isTrue();
		// An absolute name is the same host.
		assertThat(proxy.isUsedFor("localhost.")).isFalse();
		assertThat(CxoneProxy.of("proxy", 3128, null, null, List.of("cxone.test")).isUsedFor("cxone.test.")).isFalse();
	}

	@Test
	void whenTheJvmNamesAProxyThenItsPropertiesAreReadAsReactorNettyReadsThem() {
		Properties jvm = new Properties();
		assertThat(CxoneProxy.fromSystemProperties(jvm, List.of())).isNull();
		jvm.setProperty("http.proxyHost", "http-proxy.corp.example");
		assertThat(CxoneProxy.fromSystemProperties(jvm, List.of()).describe())
			.isEqualTo("http-proxy.corp.example:80 (the JVM's http.proxyHost)");
		jvm.setProperty("https.proxyHost", "proxy.corp.example");
		jvm.setProperty("https.proxyUser", "corp-user");
		jvm.setProperty("https.proxyPassword", "secret-7f1e");
		jvm.setProperty("http.nonProxyHosts", "*.corp.example|intranet");
		CxoneProxy proxy = CxoneProxy.fromSystemProperties(jvm, List.of("crm.partner.example"));
		assertThat(proxy.describe()).isEqualTo("proxy.corp.example:443 (the JVM's https.proxyHost)");
		assertThat(proxy.getUsername()).isEqualTo("corp-user");
		assertThat(proxy.getCredentialProperties()).contains("https.proxyUser", "https.proxyPassword");
		assertThat(proxy.toString()).doesNotContain("secret-7f1e");
		assertThat(List.of("crm.corp.example", "intranet", "crm.partner.example")).noneMatch(proxy::isUsedFor);
		assertThat(proxy.isUsedFor("acme.api.nice.incontact.com")).isTrue();
	}

	@Test
	void whenTheJvmsProxyUserHasNoPasswordThenItIsRefusedNamingBoth() {
		Properties jvm = new Properties();
		jvm.setProperty("https.proxyHost", "proxy.corp.example");
		jvm.setProperty("https.proxyUser", "corp-user");
		assertThatIllegalArgumentException().isThrownBy(() -> CxoneProxy.fromSystemProperties(jvm, List.of()))
			.withMessageContaining("https.proxyUser is set but https.proxyPassword is not");
	}

}
