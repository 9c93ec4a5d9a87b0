package org.relunet.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

class JsonTest {
    @Test void roundTrip() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("name", "a \"quoted\"\nline\t\u0001");
        m.put("epochs", List.of(Map.of("epoch", 1), Map.of("epoch", 2)));
        m.put("seconds", new double[] {1.5, 0.25, Double.NaN});
        m.put("count", 3);
        m.put("ok", true);
        m.put("none", null);
        m.put("tiny", 1.234e-7);
        Object back = Json.parse(Json.write(m));
        @SuppressWarnings("unchecked") Map<String, Object> r = (Map<String, Object>) back;
        assertEquals(m.get("name"), r.get("name"));
        assertEquals(List.of(1.5, 0.25), ((List<?>) r.get("seconds")).subList(0, 2));
        assertEquals(null, ((List<?>) r.get("seconds")).get(2));
        assertEquals(3.0, r.get("count"));
        assertEquals(true, r.get("ok"));
        assertEquals(1.234e-7, (Double) r.get("tiny"), 1e-16);
        assertEquals(2.0, ((Map<?, ?>) ((List<?>) r.get("epochs")).get(1)).get("epoch"));
    }

    @Test void malformedInputIsRefused() {
        for (String bad : new String[] {"{", "[1,", "{\"a\" 1}", "tru", "\"open", "[1] x"}) {
            assertThrows(IllegalArgumentException.class, () -> Json.parse(bad), bad);
        }
    }
}
