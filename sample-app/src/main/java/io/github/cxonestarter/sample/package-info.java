/**
 * A sample application that calls CXone through the starter, against a real tenant or an
 * embedded CXone.
 */
package io.github.cxonestarter.sample;
