/**
 * CXone's access-key flow: the OAuth2 password grant with an access key, against a token
 * endpoint discovered from the issuer, and the tenant's API host discovered from the
 * token's {@code tenantId}.
 */
package io.github.cxonestarter.cxone.accesskey;
