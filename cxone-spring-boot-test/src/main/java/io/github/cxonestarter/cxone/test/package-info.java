/**
 * An embedded CXone stand-in for tests: token endpoint, API endpoints, fault injection and
 * a request journal, on a loopback port.
 */
package io.github.cxonestarter.cxone.test;
