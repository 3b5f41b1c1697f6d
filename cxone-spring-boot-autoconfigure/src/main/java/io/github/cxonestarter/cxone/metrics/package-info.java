/**
 * Micrometer meters of the CXone starter.
 */
package io.github.cxonestarter.cxone.metrics;
