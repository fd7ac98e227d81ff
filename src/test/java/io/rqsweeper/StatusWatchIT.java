package io.rqsweeper;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.rqsweeper.testing.RedisServer;
import org.junit.jupiter.api.Test;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** {@code status --watch} as a real process: it runs until stopped, and only redraws on a terminal. */
class StatusWatchIT {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** The packaged application: the native binary when {@code native.image.path} names one, else the jar. */
    static List<String> application() {
        String nativePath = System.getProperty("native.image.path");
        if (nativePath != null && Files.isExecutable(Path.of(nativePath))) {
            return new ArrayList<>(List.of(nativePath));
        }
        return new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-jar",
                "target/quarkus-app/quarkus-run.jar"));
    }

    @Test
    void watchPrintsOneSnapshotPerIntervalUntilStopped() throws Exception {
        try (RedisServer redis = RedisServer.start()) {
            redis.cli("SADD", "rq:queues", "rq:queue:default");
            List<String> cmd = application();
            cmd.addAll(List.of("status", "--redis-url", redis.url(), "--watch", "1s", "--output", "json"));
            Process p = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.DISCARD).start();
            try (BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                for (int i = 0; i < 2; i++) {
                    String line = out.readLine();
                    assertTrue(line != null, "snapshot " + i + " missing; exit " + (p.isAlive() ? "-" : p.exitValue()));
                    assertEquals("default", JSON.readTree(line).get("queues").get(0).get("name").asText(), line);
                }
                assertTrue(p.isAlive(), "stopped by itself");
                p.destroy();   // SIGTERM: the same shutdown as Ctrl-C's SIGINT
                assertTrue(p.waitFor(10, TimeUnit.SECONDS), "still running 10 s after SIGTERM");
            } finally {
                p.destroyForcibly();
            }
        }
    }

    @Test
    void onATerminalEachSnapshotReplacesTheLast() throws Exception {
        assumeTrue(Files.isExecutable(Path.of("/usr/bin/script")), "script(1) gives the process a terminal");
        try (RedisServer redis = RedisServer.start()) {
            List<String> app = application();
            app.addAll(List.of("status", "--redis-url", redis.url(), "--watch", "1s"));
            String inner = "timeout -s TERM 5 " + app.stream().map(a -> "'" + a + "'").collect(Collectors.joining(" "));
            Process p = new ProcessBuilder("script", "-q", "-e", "-c", inner, "/dev/null")
                    .redirectErrorStream(true).redirectInput(ProcessBuilder.Redirect.PIPE).start();
            p.getOutputStream().close();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertTrue(p.waitFor(30, TimeUnit.SECONDS), out);
            int redraws = out.split("\u001b\\[H\u001b\\[2J", -1).length - 1;
            assertTrue(redraws >= 2, "expected at least 2 redraws:\n" + out);
            assertTrue(out.contains("Every 1s: rq-sweeper status at "), out);
            assertTrue(out.contains("No queues in rq:queues"), out);
        }
    }
}
