package io.rqsweeper;

import io.rqsweeper.testing.Processes;
import io.rqsweeper.testing.RedisServer;
import io.rqsweeper.testing.ServeProcess;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The password's three routes (--password-file, RQ_SWEEPER_REDIS_PASSWORD, the URL), their order, and that no
 * password, right or wrong, is ever printed: stdout, stderr, JSON, serve's log, with and without --verbose.
 * A wrong one is "Redis unavailable" with a warning naming authentication: exit 0, 1 with --strict.
 */
class SecretsIT {
    private static final String RIGHT = "right-pw-4417";
    private static final List<String> SECRETS = List.of(RIGHT, "url-pw-7731", "env-pw-1958", "file-pw-6602");

    @Test
    void everyRouteWorksInOrderAndNoPasswordIsEverShown() throws Exception {
        Path dir = Files.createTempDirectory("rq-sweeper-secrets");
        Path rightFile = dir.resolve("right");
        Files.writeString(rightFile, RIGHT + "\n");
        Path wrongFile = dir.resolve("wrong");
        Files.writeString(wrongFile, "file-pw-6602\n");
        Path backup = dir.resolve("backup.jsonl");
        Files.writeString(backup, "");
        try (RedisServer redis = RedisServer.start(RIGHT)) {
            String plain = "redis://127.0.0.1:" + redis.port() + "/0";
            String wrongUrl = "redis://:url-pw-7731@127.0.0.1:" + redis.port() + "/0";
            String rightUrl = "redis://:" + RIGHT + "@127.0.0.1:" + redis.port() + "/0";
            Map<String, String> wrongEnv = Map.of("RQ_SWEEPER_REDIS_PASSWORD", "env-pw-1958");
            Map<String, String> rightEnv = Map.of("RQ_SWEEPER_REDIS_PASSWORD", RIGHT);

            // Each route alone, right.
            ok(Map.of(), "sweep", "--redis-url", rightUrl);
            ok(rightEnv, "sweep", "--redis-url", plain);
            ok(Map.of(), "sweep", "--redis-url", plain, "--password-file", rightFile.toString());
            // The first route given wins: the file over the environment over the URL.
            ok(wrongEnv, "sweep", "--redis-url", wrongUrl, "--password-file", rightFile.toString());
            ok(rightEnv, "sweep", "--redis-url", wrongUrl);
            rejected(rightEnv, "sweep", "--redis-url", rightUrl, "--password-file", wrongFile.toString());
            rejected(wrongEnv, "sweep", "--redis-url", rightUrl);

            // Each route alone, wrong: text, JSON, --strict, --verbose, restore.
            for (List<String> route : List.of(List.of("--redis-url", wrongUrl),
                    List.of("--redis-url", plain, "--password-file", wrongFile.toString()))) {
                rejected(Map.of(), args("sweep", route));
                rejected(Map.of(), args("sweep", route, "-o", "json", "--verbose"));
                rejected(Map.of(), args("restore", route, backup.toString()));
            }
            rejected(wrongEnv, "sweep", "--redis-url", plain, "-o", "json");
            // No password at all for a server that wants one.
            rejected(Map.of(), "sweep", "--redis-url", plain);

            // serve: one warning naming authentication in its log, never the password.
            try (ServeProcess serve = ServeProcess.start(Map.of("RQ_SWEEPER_REDIS_URL", wrongUrl,
                    "RQ_SWEEPER_REDIS_PASSWORD", "env-pw-1958", "RQ_SWEEPER_SCHEDULE_EVERY", "1s"))) {
                Processes.await("serve to warn about authentication\n" + serve.log(), 15_000,
                        () -> serve.log().contains("authentication failed"));
                assertEquals(503, serve.status("/q/health/ready"), serve.log());
                noSecret(serve.log() + ServeProcessBodies.of(serve), serve.log());
            }
        }
    }

    private static String[] args(String command, List<String> route, String... more) {
        List<String> all = new ArrayList<>(List.of(command));
        all.addAll(route);
        all.addAll(List.of(more));
        return all.toArray(String[]::new);
    }

    private static void ok(Map<String, String> env, String... args) throws Exception {
        PackagedProcessIT.Result r = PackagedProcessIT.run(env, args);
        assertEquals(0, r.exitCode(), List.of(args) + "\n" + r.evidence());
        assertTrue(r.stdout().contains("No stuck jobs"), List.of(args) + "\n" + r.evidence());
        noSecret(r.stdout() + r.stderr(), r.evidence());
    }

    private static void rejected(Map<String, String> env, String... args) throws Exception {
        PackagedProcessIT.Result r = PackagedProcessIT.run(env, args);
        String what = env.keySet() + " " + List.of(args) + "\n" + r.evidence();
        boolean restore = args[0].equals("restore");
        // restore has no --strict: Redis unavailable is exit 1 there, as its help says.
        assertEquals(restore ? 1 : 0, r.exitCode(), what);
        assertTrue(r.stderr().contains("authentication failed"), what);
        assertFalse(r.stderr().contains("\tat "), what);
        if (List.of(args).contains("json")) {
            assertTrue(r.stdout().contains("\"redis\":\"unavailable\""), what);
        }
        noSecret(r.stdout() + r.stderr(), what);
        if (!restore) {
            List<String> strict = new ArrayList<>(List.of(args));
            strict.add("--strict");
            PackagedProcessIT.Result s = PackagedProcessIT.run(env, strict.toArray(String[]::new));
            assertEquals(1, s.exitCode(), strict + "\n" + s.evidence());
            noSecret(s.stdout() + s.stderr(), s.evidence());
        }
    }

    private static void noSecret(String text, String evidence) {
        for (String secret : SECRETS) {
            assertFalse(text.contains(secret), "'" + secret + "' was shown:\n" + evidence);
        }
    }

    /** What serve's endpoints say, for the same check. */
    private static final class ServeProcessBodies {
        static String of(ServeProcess serve) throws Exception {
            StringBuilder sb = new StringBuilder();
            for (String path : List.of("/q/health/ready", "/q/health/started", "/q/health/live", "/q/metrics")) {
                java.net.HttpURLConnection c = (java.net.HttpURLConnection) java.net.URI.create(serve.baseUri() + path).toURL().openConnection();
                java.io.InputStream in = c.getResponseCode() < 400 ? c.getInputStream() : c.getErrorStream();
                sb.append(new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8));
            }
            return sb.toString();
        }
    }
}
