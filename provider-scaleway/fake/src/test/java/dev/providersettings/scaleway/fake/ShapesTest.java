package dev.providersettings.scaleway.fake;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The fidelity comparison must be able to fail: it reports every kind of shape difference. */
class ShapesTest {
    private static JsonNode j(String s) throws Exception {
        return Http.MAPPER.readTree(s);
    }

    @Test
    void reportsMissingExtraAndRetypedFields() throws Exception {
        JsonNode rec = j("{\"a\":1,\"b\":\"x\",\"c\":null,\"d\":[{\"e\":1.5}],\"f\":{}}");
        assertThat(Shapes.differences(rec, j("{\"a\":2,\"b\":\"y\",\"c\":null,\"d\":[{\"e\":2.5}],\"f\":{}}"),
                Set.of())).isEmpty();
        assertThat(Shapes.differences(rec, j("{\"a\":\"2\",\"b\":\"y\",\"c\":{},\"d\":[{\"e\":2}],\"g\":1}"),
                Set.of())).containsExactlyInAnyOrder("$.a: recorded integer, fake string",
                        "$.c: recorded null, fake object", "$.d[0].e: recorded float, fake integer",
                        "$.f: missing in the fake", "$.g: only in the fake");
        assertThat(Shapes.differences(j("{\"l\":[1]}"), j("{\"l\":[]}"), Set.of()))
                .containsExactly("$.l: recorded 1 elements, fake 0");
    }

    @Test
    void dynamicMapsCompareEntriesWithTheSameKeyOrAnyMatchingEntry() throws Exception {
        JsonNode rec = j("{\"servers\":{\"A\":{\"gpu\":null},\"B\":{\"gpu\":{\"n\":1}}}}");
        assertThat(Shapes.differences(rec, j("{\"servers\":{\"Z\":{\"gpu\":{\"n\":2}},\"A\":{\"gpu\":null}}}"),
                Set.of("$.servers"))).isEmpty();
        assertThat(Shapes.differences(rec, j("{\"servers\":{\"A\":{\"gpu\":{\"n\":1}}}}"), Set.of("$.servers")))
                .containsExactly("$.servers.A.gpu: recorded null, fake object");
        assertThat(Shapes.differences(rec, j("{\"servers\":{\"Z\":{\"cpu\":1}}}"), Set.of("$.servers")))
                .isNotEmpty();
    }
}
