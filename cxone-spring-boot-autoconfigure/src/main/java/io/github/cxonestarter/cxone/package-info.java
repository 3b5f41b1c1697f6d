/**
 * The API of the CXone starter: {@link io.github.cxonestarter.cxone.CxoneWebClient}, its
 * customizer hook and the typed errors that calls through it can end with.
 */
package io.github.cxonestarter.cxone;
