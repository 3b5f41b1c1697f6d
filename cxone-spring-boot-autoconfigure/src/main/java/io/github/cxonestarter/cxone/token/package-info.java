/**
 * Token management on top of Spring Security's OAuth2 client: one token for the
 * application, fetched by a single request however many callers wait, renewed ahead of
 * its expiry, and token endpoint errors turned into {@link io.github.cxonestarter.cxone.CxoneTokenException}.
 */
package io.github.cxonestarter.cxone.token;
