package org.telehub.adapter.cerner.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;

import org.junit.jupiter.api.Test;
import org.telehub.testing.vendors.Configs;

/** The tenant in both URLs, from the shipped defaults; a tenant that is not one path segment is refused. */
class CernerConfigTest {

    static CernerConfig config(String tenant, String authentication) {
        return Configs.of(CernerConfig.class, Map.of("id", "c1", "tenantId", tenant, "clientId", "acct",
                "clientSecret", "x", "authentication", authentication));
    }

    @Test
    void theTenantIsInTheServiceRootAndTheTokenUrl() {
        CernerConfig c = config(" ec2458f2-1e24-41c8-b71b-0e701af7583d ", "CLIENT_SECRET");
        assertEquals("https://fhir-ehr.cerner.com/r4/ec2458f2-1e24-41c8-b71b-0e701af7583d",
                CernerAdapter.baseUrl(c).toString());
        assertEquals("https://authorization.cerner.com/tenants/ec2458f2-1e24-41c8-b71b-0e701af7583d/hosts/"
                + "fhir-ehr.cerner.com/protocols/oauth2/profiles/smart-v1/token", CernerAdapter.tokenUrl(c).toString());
        assertTrue(CernerAdapter.auth(c).toString().contains("secret=***"));
    }

    @Test
    void aTenantThatIsNotOnePathSegmentOrAnUnknownAuthenticationIsRefused() {
        for (String bad : new String[] {"", "../other", "a/b", "tenant?x=1"}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> new CernerAdapter(config(bad, "CLIENT_SECRET")));
            assertTrue(e.getMessage().startsWith("tenantId"), e.getMessage());
        }
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new CernerAdapter(config("t1", "PASSWORD")));
        assertTrue(e.getMessage().startsWith("authentication"), e.getMessage());
    }
}
