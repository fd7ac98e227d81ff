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
import java.util.List;
import java.util.Map;
import java.util.Set;

import static io.rqsweeper.SweepCommandTest.evidence;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The delete/backup/restore round trip as an operator runs it, and the new options' usage errors. */
@QuarkusMainTest
class RestoreCommandTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void deleteWithBackupThenRestoreBringsTheJobBack(QuarkusMainLauncher launcher) throws Exception {
        RqInstall rq = RqInstall.latest();
        Path backup = Files.createTempDirectory("rq-sweeper").resolve("sweep.jsonl");
        try (RedisServer redis = RedisServer.start()) {
            RqScenario.Started job = new RqScenario(rq, redis).abandonedJob("default", Map.of());
            redis.cli("SET", "job_progress:" + job.id(), "50%");
            // A second abandoned job: a backup holds a whole page's changes, not one.
            String other = rq.ctl(redis.url(), "clone_job", Map.of("id", job.id(), "queue", "default",
                    "member", job.member(), "count", 1)).get("ids").get(0).asText();
            String otherMember = other + job.member().substring(job.id().length());
            redis.cli("SET", "job_progress:" + other, "10%");

            LaunchResult sweep = launcher.launch("sweep", "--redis-url", redis.url(), "--action", "delete",
                    "--delete-key", "job_progress:{id}", "--backup", backup.toString());
            assertEquals(0, sweep.exitCode(), evidence(sweep));
            assertTrue(sweep.getOutput().matches("(?s).*Cleaning stuck job " + job.id() + " on default \\(.*\\) -> deleted \\(\\d+ keys\\).*"),
                    evidence(sweep));
            assertEquals("0", redis.cli("EXISTS", "rq:job:" + job.id()));
            assertEquals("0", redis.cli("EXISTS", "job_progress:" + job.id()));
            assertEquals("0", redis.cli("EXISTS", "rq:job:" + other));

            LaunchResult dry = launcher.launch("restore", backup.toString(), "--redis-url", redis.url(), "--dry-run", "-o", "json");
            assertEquals(0, dry.exitCode(), evidence(dry));
            JsonNode doc = JSON.readTree(dry.getOutput());
            assertEquals(2, doc.get("jobs").size(), evidence(dry));
            doc.get("jobs").forEach(j -> assertEquals("would-restore", j.get("outcome").asText(), evidence(dry)));
            assertEquals("0", redis.cli("EXISTS", "rq:job:" + job.id()));

            LaunchResult restore = launcher.launch("restore", backup.toString(), "--redis-url", redis.url());
            assertEquals(0, restore.exitCode(), evidence(restore));
            assertTrue(restore.getOutput().contains("Restored job " + job.id()), evidence(restore));
            assertEquals("started", redis.cli("HGET", "rq:job:" + job.id(), "status"));
            assertEquals("50%", redis.cli("GET", "job_progress:" + job.id()));
            assertTrue(restore.getOutput().contains("Restored job " + other), evidence(restore));
            assertEquals("10%", redis.cli("GET", "job_progress:" + other));
            assertEquals(Set.of(job.member(), otherMember), Set.of(redis.cli("ZRANGE", "rq:wip:default", "0", "-1").split("\\s+")));

            // Restoring twice: the job is no longer what the sweep left, so it is refused.
            LaunchResult again = launcher.launch("restore", backup.toString(), "--redis-url", redis.url());
            assertEquals(1, again.exitCode(), evidence(again));
            assertTrue(again.getOutput().contains("Refused job " + job.id()), evidence(again));
        }
    }

    @Test
    void backupThatCannotBeWrittenIsAUsageError(QuarkusMainLauncher launcher) throws Exception {
        try (RedisServer redis = RedisServer.start()) {
            LaunchResult r = launcher.launch("sweep", "--redis-url", redis.url(), "--backup", "/nonexistent-dir/x.jsonl");
            assertEquals(2, r.exitCode(), evidence(r));
            assertTrue(r.getErrorOutput().contains("--backup: the directory of /nonexistent-dir/x.jsonl does not exist"), evidence(r));
        }
    }

    @Test
    void newOptionsRejectNonsense(QuarkusMainLauncher launcher) {
        for (List<String> args : List.of(
                List.of("sweep", "--delete-key", "job_progress:{id}"),
                List.of("sweep", "--action", "delete", "--delete-key", "job_progress"),
                List.of("sweep", "--delete-dependents"),
                List.of("restore", "/nonexistent/backup.jsonl"),
                List.of("restore"))) {
            LaunchResult r = launcher.launch(args.toArray(String[]::new));
            assertEquals(2, r.exitCode(), args + "\n" + evidence(r));
            assertFalse(r.getErrorOutput().contains("\tat "), evidence(r));
        }
    }
}
