/**
 * Auto-configuration of the CXone starter: wiring only; the behaviour lives in the API
 * packages.
 */
package io.github.cxonestarter.cxone.autoconfigure;
