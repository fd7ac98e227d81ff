package io.rqsweeper.cli;

import io.quarkus.runtime.configuration.DurationConverter;
import io.rqsweeper.testing.Cli;
import io.rqsweeper.testing.Processes;
import io.smallrye.config.SmallRyeConfig;
import io.smallrye.config.SmallRyeConfigBuilder;
import picocli.CommandLine;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every option of sweep and restore with a wrong value: exit 2, one line naming the option (then the pointer to
 * --help), never a stack trace. No Redis is needed: a bad command line is refused before connecting. The
 * commands run through picocli as {@code Main} runs them, with the default settings and without their services,
 * so a case that wrongly got past the checks fails on the missing service (exit 1). SweepCommandTest runs a few
 * of these through the real application.
 */
class BadInputTest {
    /** Nothing listens there; a case that wrongly got past the checks would connect and exit 0. */
    static String nowhere;
    static Path dir;

    @BeforeAll
    static void files() throws Exception {
        nowhere = "redis://127.0.0.1:" + Processes.freePort() + "/0";
        dir = Files.createTempDirectory("rq-sweeper-bad-input");
        Files.writeString(dir.resolve("not-a-backup.jsonl"), "this is not json\n");
        Files.writeString(dir.resolve("empty-password"), "\n");
        Files.writeString(dir.resolve("two-lines"), "one\ntwo\n");
        Files.writeString(dir.resolve("cert.pem"), "not a certificate\n");
    }

    /** Arguments (after the command and --redis-url) and the text the one-line message must contain. */
    record Case(List<String> args, String names) {
        static Case of(String names, String... args) {
            return new Case(List.of(args), names);
        }
    }

    static List<Case> sweepCases() {
        String missing = dir.resolve("missing.pem").toString();
        return List.of(
                Case.of("--bogus", "--bogus"),
                Case.of("--max-age", "--max-age", "ten"),
                Case.of("--max-age", "--max-age", "-5m"),
                Case.of("--max-age", "--max-age", ""),
                Case.of("--max-age", "--max-age", "10parsecs"),
                Case.of("--max-age", "--max-age", "99999999999999999999"),
                Case.of("--max-age", "--max-age", "9999999999999999d"),
                Case.of("--max-age", "--max-age"),
                Case.of("--margin", "--margin", "abc"),
                Case.of("--margin", "--margin", "-1s"),
                Case.of("--timeout", "--timeout", "abc"),
                Case.of("--timeout", "--timeout", "0"),
                Case.of("--timeout", "--timeout", "-1s"),
                Case.of("--action", "--action", "explode"),
                Case.of("--action", "--action", ""),
                Case.of("--delete-key", "--action", "delete", "--delete-key", "job_progress"),
                Case.of("--delete-key", "--delete-key", "job_progress:{id}"),
                Case.of("--delete-dependents", "--delete-dependents"),
                Case.of("--output", "--output", "yaml"),
                Case.of("--rq-version", "--rq-version", "banana"),
                Case.of("--queue", "--queue", ""),
                Case.of("--exclude-queue", "--exclude-queue", " "),
                Case.of("--backup", "--backup", "/nonexistent-dir/x.jsonl"),
                Case.of("--backup", "--backup", dir.toString()),
                Case.of("--tls-ca", "--tls-ca", missing),
                Case.of("--tls-cert", "--tls-cert", missing, "--tls-key", missing),
                Case.of("--tls-key", "--tls-cert", dir.resolve("cert.pem").toString()),
                Case.of("--tls-key", "--tls-cert", dir.resolve("cert.pem").toString(), "--tls-key", missing),
                Case.of("--password-file", "--password-file", missing),
                Case.of("--password-file", "--password-file", dir.toString()),
                Case.of("--password-file", "--password-file", dir.resolve("empty-password").toString()),
                Case.of("--password-file", "--password-file", dir.resolve("two-lines").toString()),
                Case.of("--master-name", "--sentinel", "127.0.0.1:26379"),
                Case.of("--master-name needs --sentinel", "--master-name", "mymaster"),
                Case.of("--sentinel-password-file needs --sentinel", "--sentinel-password-file", missing),
                Case.of("--sentinel", "--sentinel", "127.0.0.1:99999", "--master-name", "m"),
                Case.of("--sentinel", "--sentinel", "127.0.0.1:port", "--master-name", "m"),
                Case.of("--sentinel", "--sentinel", "::1:26379", "--master-name", "m"),
                Case.of("--sentinel", "--sentinel", ",", "--master-name", "m"),
                Case.of("--sentinel", "--sentinel", "redis://h:1", "--master-name", "m"),
                Case.of("--master-name", "--sentinel", "h:1", "--master-name", "two words"),
                Case.of("--sentinel-password-file", "--sentinel", "h:1", "--master-name", "m",
                        "--sentinel-password-file", missing),
                Case.of("'extra'", "extra"));
    }

    static List<Case> urlCases() {
        return List.of(
                Case.of("--redis-url", "--redis-url", "http://localhost"),
                Case.of("--redis-url", "--redis-url", "redis://127.0.0.1:99999/0"),
                Case.of("--redis-url", "--redis-url", "redis://127.0.0.1:0/0"),
                Case.of("--redis-url", "--redis-url", "redis://127.0.0.1:abc/0"),
                Case.of("--redis-url", "--redis-url", "redis://:6379/0"),
                Case.of("--redis-url", "--redis-url", "redis://localhost/x"),
                Case.of("--redis-url", "--redis-url", "redis://localhost/-1"),
                Case.of("--redis-url", "--redis-url", ""),
                Case.of("--redis-url", "--redis-url", "redis://a b"),
                Case.of("--redis-url", "--redis-url"),
                // TLS files only mean something for rediss://.
                Case.of("--tls-ca", "--redis-url", nowhere, "--tls-ca", dir.resolve("cert.pem").toString()));
    }

    /** The command line as {@code Main} runs it, with the default settings and without the commands' services. */
    static Cli.Result run(List<String> args) {
        SweeperConfig config = new SmallRyeConfigBuilder().withMapping(SweeperConfig.class)
                .withConverter(java.time.Duration.class, 100, new DurationConverter())
                .build().getConfigMapping(SweeperConfig.class);
        CommandLine.IFactory factory = new CommandLine.IFactory() {
            @Override
            public <K> K create(Class<K> cls) throws Exception {
                K made = CommandLine.defaultFactory().create(cls);
                if (made instanceof SweepCommand c) {
                    c.config = config;
                } else if (made instanceof RestoreCommand c) {
                    c.config = config;
                } else if (made instanceof ServeCommand c) {
                    c.config = config;
                }
                return made;
            }
        };
        return new Cli(factory).run(args);
    }

    @Test
    void everySweepOptionWithAWrongValue() {
        List<String> failures = new ArrayList<>();
        checkAll(List.of("sweep", "--redis-url", nowhere.replace("redis:", "rediss:")), sweepCases(), failures);
        checkAll(List.of("sweep"), urlCases(), failures);
        assertTrue(failures.isEmpty(), String.join("\n\n", failures));
    }

    @Test
    void everyRestoreOptionWithAWrongValue() {
        List<String> failures = new ArrayList<>();
        String backup = dir.resolve("backup.jsonl").toString();
        List<Case> cases = List.of(
                Case.of("FILE", "--redis-url", nowhere),
                Case.of("cannot read the backup file", "--redis-url", nowhere, dir.resolve("missing.jsonl").toString()),
                Case.of("cannot read the backup file", "--redis-url", nowhere, dir.toString()),
                Case.of("not-a-backup.jsonl", "--redis-url", nowhere, dir.resolve("not-a-backup.jsonl").toString()),
                Case.of("--output", "--redis-url", nowhere, backup, "--output", "xml"),
                Case.of("--timeout", "--redis-url", nowhere, backup, "--timeout", "soon"),
                Case.of("--redis-url", "--redis-url", "redis://localhost:70000/0", backup),
                Case.of("--password-file", "--redis-url", nowhere, backup, "--password-file", dir.resolve("nope").toString()),
                Case.of("--replace", "--redis-url", nowhere, backup, "--replace=maybe"),
                Case.of("--bogus", "--redis-url", nowhere, backup, "--bogus"));
        checkAll(List.of("restore"), cases, failures);
        assertTrue(failures.isEmpty(), String.join("\n\n", failures));
    }

    @Test
    void everyServeOptionWithAWrongValue() {
        List<String> failures = new ArrayList<>();
        check(List.of("serve", "--redis-url", "redis://localhost:0/0"), "--redis-url", failures);
        check(List.of("serve", "--timeout", "1y"), "--timeout", failures);
        check(List.of("serve", "--password-file", dir.toString()), "--password-file", failures);
        check(List.of("serve", "--max-age", "1m"), "--max-age", failures);
        assertTrue(failures.isEmpty(), String.join("\n\n", failures));
    }

    @Test
    void verboseIsAcceptedBeforeAndAfterTheCommand() {
        Cli.Result before = run(List.of("--verbose", "sweep", "--max-age", "ten"));
        assertEquals(2, before.exitCode(), before.evidence());
        assertTrue(before.err().contains("--max-age"), before.evidence());
        Cli.Result after = run(List.of("restore", "--verbose", "--redis-url", "redis://h:0/0", "x"));
        assertEquals(2, after.exitCode(), after.evidence());
        assertTrue(after.err().contains("--redis-url"), after.evidence());
    }

    /** Each case after the same leading arguments. */
    private static void checkAll(List<String> leading, List<Case> cases, List<String> failures) {
        for (Case c : cases) {
            List<String> args = new ArrayList<>(leading);
            args.addAll(c.args());
            check(args, c.names(), failures);
        }
    }

    private static void check(List<String> args, String names, List<String> failures) {
        Cli.Result r = run(args);
        List<String> lines = r.err().lines().filter(l -> !l.isBlank()).toList();
        boolean ok = r.exitCode() == 2
                && !lines.isEmpty() && lines.get(0).startsWith("rq-sweeper: ") && lines.get(0).contains(names)
                && lines.get(lines.size() - 1).contains("--help'")
                && lines.size() <= 3
                && !r.err().contains("\tat ") && !r.err().contains("Exception");
        if (!ok) {
            failures.add(args + " should exit 2 naming " + names + "\n" + r.evidence());
        }
    }
}
