/**
 * Side-by-side benchmarks of CxoneWebClient, Spring Security's stock reactive
 * client_credentials setup, and a plain WebClient with a static token; of
 * CxoneRestClient against a plain RestClient with a static token; and of many tenants
 * through CxoneClients (ManyTenants).
 */
package io.github.cxonestarter.benchmarks;
