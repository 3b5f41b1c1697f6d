/**
 * Side-by-side benchmarks of CxoneWebClient, Spring Security's stock reactive
 * client_credentials setup, and a plain WebClient with a static token; and of
 * CxoneRestClient against a plain RestClient with a static token.
 */
package io.github.cxonestarter.benchmarks;
