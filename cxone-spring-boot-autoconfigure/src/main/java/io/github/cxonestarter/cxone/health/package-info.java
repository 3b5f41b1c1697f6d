/**
 * Actuator health of the CXone connection.
 */
package io.github.cxonestarter.cxone.health;
