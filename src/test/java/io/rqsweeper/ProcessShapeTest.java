package io.rqsweeper;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

class ProcessShapeTest {
    @Test
    void oneShotCommandsBindNoPortAndStartNoScheduler() {
        for (String[] args : new String[][] {{"sweep"}, {"sweep", "--queue", "serve"}, {}, {"--help"}, {"status"}}) {
            ProcessShape shape = ProcessShape.of(args);
            assertEquals(ProcessShape.ONE_SHOT, shape, String.join(" ", args));
            assertEquals("false", shape.systemProperties().get("quarkus.http.host-enabled"));
            assertEquals("false", shape.systemProperties().get("quarkus.scheduler.enabled"));
        }
    }

    @Test
    void askingServeForHelpBindsNoPort() {
        assertEquals(ProcessShape.ONE_SHOT, ProcessShape.of("serve", "--help"));
        assertEquals(ProcessShape.ONE_SHOT, ProcessShape.of("serve", "-V"));
        assertEquals(ProcessShape.SERVER, ProcessShape.of("serve", "--redis-url", "redis://redis:6379/0"));
    }

    @Test
    void onlyServeIsAServer() {
        assertEquals(ProcessShape.SERVER, ProcessShape.of("serve"));
        assertEquals(ProcessShape.SERVER, ProcessShape.of("--verbose", "serve"));
        assertEquals("true", ProcessShape.SERVER.systemProperties().get("quarkus.http.host-enabled"));
    }
}
