/**
 * CXone's access-key flows: the access-key login with the access key alone
 * ({@link io.github.cxonestarter.cxone.accesskey.AccessKeyLoginClient}), or the OAuth2
 * password grant of a registered application against a token endpoint discovered from the
 * issuer; in both, the tenant's API host discovered from the token's {@code tenantId}.
 */
package io.github.cxonestarter.cxone.accesskey;
