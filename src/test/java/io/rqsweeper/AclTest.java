package io.rqsweeper;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.quarkus.test.junit.main.LaunchResult;
import io.quarkus.test.junit.main.QuarkusMainLauncher;
import io.quarkus.test.junit.main.QuarkusMainTest;
import io.rqsweeper.testing.RedisServer;
import io.rqsweeper.testing.RqInstall;
import io.rqsweeper.testing.RqScenario;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import static io.rqsweeper.SweepCommandTest.evidence;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The README's ACL rules, exactly as written there: sweep (fail, requeue, delete) works as the sweeper user with
 * real RQ jobs, a dry run works as the read-only user, and a user missing one permission gets Redis's NOPERM text
 * naming it, before anything was changed.
 */
@QuarkusMainTest
class AclTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** The {@code ACL SETUSER <user> …} line of the README, as arguments. */
    static List<String> readmeRule(String user) throws Exception {
        for (String line : Files.readAllLines(Path.of("README.md"))) {
            if (line.startsWith("ACL SETUSER " + user + " ")) {
                return new ArrayList<>(Arrays.asList(line.trim().split(" +")));
            }
        }
        throw new AssertionError("README.md has no ACL SETUSER " + user + " line");
    }

    static void create(RedisServer redis, List<String> rule, String password) {
        List<String> args = new ArrayList<>(rule.subList(0, 3));
        for (String token : rule.subList(3, rule.size())) {
            args.add(token.equals(">CHANGE-ME") ? ">" + password : token);
        }
        assertEquals("OK", redis.cli(args.toArray(String[]::new)).trim(), args.toString());
    }

    @Test
    void theReadmeUsersCanDoWhatTheyAreForAndNoMore(QuarkusMainLauncher launcher) throws Exception {
        RqInstall rq = RqInstall.latest();
        Path password = Files.createTempFile("rq-sweeper-acl", ".txt");
        Files.writeString(password, "acl-pw-3390\n");
        try (RedisServer redis = RedisServer.start()) {
            create(redis, readmeRule("rq-sweeper"), "acl-pw-3390");
            create(redis, readmeRule("rq-sweeper-read"), "acl-pw-3390");
            List<String> without = readmeRule("rq-sweeper");
            without.set(2, "no-zrem");
            without.remove("+zrem");
            create(redis, without, "acl-pw-3390");
            String base = "127.0.0.1:" + redis.port() + "/0";

            RqScenario scenario = new RqScenario(rq, redis);
            RqScenario.Started failMe = scenario.abandonedJob("acl-fail", Map.of());
            RqScenario.Started requeueMe = scenario.abandonedJob("acl-requeue", Map.of());
            RqScenario.Started deleteMe = scenario.abandonedJob("acl-delete", Map.of());

            // Read-only: a dry run sees the job; a real sweep is refused before any change.
            LaunchResult dry = launcher.launch("sweep", "--redis-url", "redis://rq-sweeper-read:@" + base,
                    "--password-file", password.toString(), "--queue", "acl-fail", "--dry-run", "--strict");
            assertEquals(0, dry.exitCode(), evidence(dry));
            assertTrue(dry.getOutput().contains("Would clean stuck job " + failMe.id()), evidence(dry));
            LaunchResult readOnlyWrite = launcher.launch("sweep", "--redis-url", "redis://rq-sweeper-read:@" + base,
                    "--password-file", password.toString(), "--queue", "acl-fail", "--strict");
            assertEquals(1, readOnlyWrite.exitCode(), evidence(readOnlyWrite));
            assertTrue(readOnlyWrite.getErrorOutput().contains("NOPERM this user has no permissions to run the 'hset'"),
                    evidence(readOnlyWrite));

            // A user missing one permission: Redis's NOPERM text names it, nothing is changed.
            LaunchResult noZrem = launcher.launch("sweep", "--redis-url", "redis://no-zrem:@" + base,
                    "--password-file", password.toString(), "--queue", "acl-fail", "--strict");
            assertEquals(1, noZrem.exitCode(), evidence(noZrem));
            assertTrue(noZrem.getErrorOutput().contains("NOPERM this user has no permissions to run the 'zrem' command"),
                    evidence(noZrem));
            assertFalse(noZrem.getErrorOutput().contains("\tat "), evidence(noZrem));
            assertEquals("started", scenario.view("acl-fail", failMe.id()).get("status").asText(), "nothing changed");

            // The sweeper user: each action, with real RQ jobs.
            for (String[] c : new String[][] {{"fail", "acl-fail", "failed"}, {"requeue", "acl-requeue", "requeued"},
                    {"delete", "acl-delete", "deleted"}}) {
                LaunchResult r = launcher.launch("sweep", "--redis-url", "redis://rq-sweeper:@" + base,
                        "--password-file", password.toString(), "--queue", c[1], "--action", c[0], "--strict", "-o", "json");
                assertEquals(0, r.exitCode(), evidence(r));
                JsonNode doc = JSON.readTree(r.getOutput());
                assertEquals(1, doc.get("cleaned").asInt(), evidence(r));
                assertEquals(c[2], doc.get("jobs").get(0).get("outcome").asText(), evidence(r));
                assertTrue(doc.get("warnings").toString().indexOf("lock") < 0, "the sweeper lock was taken too\n" + evidence(r));
            }
            assertEquals("failed", scenario.view("acl-fail", failMe.id()).get("status").asText());
            assertEquals("queued", scenario.view("acl-requeue", requeueMe.id()).get("status").asText());
            assertEquals("0", redis.cli("EXISTS", "rq:job:" + deleteMe.id()).trim());
        }
    }
}
