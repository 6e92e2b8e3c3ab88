package dev.scion.server.adapters.routing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.scion.server.adapters.cache.AdapterKey;
import java.util.List;
import org.junit.jupiter.api.Test;

class AdapterHealthTest {
    private static final AdapterKey V2 = new AdapterKey("bot", 2);
    private static final AdapterKey V3 = new AdapterKey("bot", 3);

    @Test
    void faultsInARowMakeAVersionUnhealthyOnceAndASuccessHealsIt() {
        AdapterHealth health = new AdapterHealth(3);
        assertFalse(health.fault(V2, "nan"));
        assertFalse(health.fault(V2, "nan"));
        assertFalse(health.isUnhealthy(V2));
        assertTrue(health.fault(V2, "nan again"), "the third in a row");
        assertFalse(health.fault(V2, "nan"), "the transition is reported once");
        assertEquals(List.of(new AdapterHealth.Unhealthy(2, "nan", 4)), health.unhealthy("bot"));
        assertEquals(List.of(), health.unhealthy("other"));
        assertFalse(health.served(V3), "another version was never unhealthy");
        assertTrue(health.served(V2), "a success heals it, reported once");
        assertFalse(health.served(V2));
        assertEquals(List.of(), health.unhealthy("bot"));
    }

    @Test
    void aSuccessBetweenFaultsStartsTheCountAgain() {
        AdapterHealth health = new AdapterHealth(3);
        health.fault(V2, "nan");
        health.fault(V2, "nan");
        health.served(V2);
        assertFalse(health.fault(V2, "nan"));
        assertFalse(health.fault(V2, "nan"));
        assertTrue(health.fault(V2, "nan"));
    }

    @Test
    void forgettingADeletedVersionOrAnUnloadedName() {
        AdapterHealth health = new AdapterHealth(1);
        health.fault(V2, "nan");
        health.fault(V3, "nan");
        health.forget("bot", 2);
        assertEquals(List.of(3), health.unhealthy("bot").stream().map(AdapterHealth.Unhealthy::version).toList());
        health.forget("bot", null);
        assertEquals(List.of(), health.unhealthy("bot"));
    }
}
