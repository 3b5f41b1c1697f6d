/**
 * The connection settings of every client the starter builds (timeouts, an outbound
 * proxy, trust), and how a failure to connect is worded, apart from any one HTTP client
 * library.
 */
package io.github.cxonestarter.cxone.http;
