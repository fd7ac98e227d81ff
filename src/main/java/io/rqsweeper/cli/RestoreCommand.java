package io.rqsweeper.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.rqsweeper.backup.RestoreService;
import io.rqsweeper.redis.RedisUnavailableException;
import jakarta.inject.Inject;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;

@Command(name = "restore", sortOptions = false, mixinStandardHelpOptions = true,
        description = {"Puts jobs back as a sweep's --backup file recorded them before the sweep changed them, newest "
                + "change first. A job that changed after the sweep (for example a worker ran it again) is refused "
                + "unless --replace."},
        footer = {"", "Examples:",
                "  rq-sweeper restore /var/backups/rq-sweep.jsonl --dry-run",
                "  rq-sweeper restore /var/backups/rq-sweep.jsonl",
                "  rq-sweeper restore /var/backups/rq-sweep.jsonl --replace --output json",
                "",
                "Exit codes:",
                "  0  every recorded change was restored (or skipped: the sweep had not changed that job)",
                "  1  a job was refused or could not be restored, or Redis is unavailable",
                "  2  usage error (bad option, missing or unreadable file)"})
public class RestoreCommand implements Callable<Integer> {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Spec
    CommandLine.Model.CommandSpec spec;

    @Inject
    RestoreService service;

    @Inject
    SweeperConfig config;

    @Inject
    io.rqsweeper.redis.RedisConnector connector;

    @Parameters(paramLabel = "FILE", description = "The backup file written by 'sweep --backup'.")
    Path file;

    @Option(names = "--dry-run", description = "Report what would be restored; change nothing.")
    boolean dryRun;

    @Option(names = "--replace", description = "Restore even jobs that changed after the sweep, overwriting them.")
    boolean replace;

    @Option(names = {"-o", "--output"}, paramLabel = "FORMAT", defaultValue = "text", description = "text or json.")
    SweepCommand.OutputFormat output;

    @Mixin
    ConnectionOptions connection;

    @Override
    public Integer call() {
        ConnectionOptions.Connection redis = connection.resolve(spec.commandLine(), config);
        if (!Files.isReadable(file) || Files.isDirectory(file)) {
            throw new CommandLine.ParameterException(spec.commandLine(), "FILE: cannot read the backup file " + file
                    + (Files.isDirectory(file) ? ": it is a directory" : ""));
        }
        List<io.rqsweeper.backup.BackupFile.Entry> entries;
        try {
            // Read before connecting: a file that is not a backup is a usage error whether or not Redis is up.
            entries = io.rqsweeper.backup.BackupFile.read(file);
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), "FILE: " + e.getMessage());
        } catch (IOException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), "FILE: cannot read the backup file " + file + ": " + e.getMessage());
        }
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        ConnectionOptions.awaitRedis(connector, redis, err);
        List<RestoreService.Result> results;
        try {
            results = service.restore(redis.target(), redis.timeout(), entries, dryRun, replace);
        } catch (RedisUnavailableException e) {
            err.println("rq-sweeper: error: " + e.getMessage() + "; nothing was restored");
            if (output == SweepCommand.OutputFormat.JSON) {
                out.println("{\"redis\":\"unavailable\",\"dryRun\":" + dryRun + ",\"jobs\":[]}");
            }
            out.flush();
            err.flush();
            return ExitCodes.FAILURE;
        }
        long restored = results.stream().filter(r -> r.outcome().equals("restored") || r.outcome().equals("would-restore")).count();
        long refused = results.stream().filter(r -> r.outcome().equals("refused")).count();
        long errors = results.stream().filter(r -> r.outcome().equals("error")).count();
        results.stream().filter(r -> r.outcome().equals("error"))
                .forEach(r -> err.println("rq-sweeper: error: job " + r.id() + ": " + r.detail()));
        if (output == SweepCommand.OutputFormat.JSON) {
            ObjectNode root = JSON.createObjectNode();
            root.put("redis", "ok");
            root.put("dryRun", dryRun);
            root.put("restored", restored);
            root.put("refused", refused);
            root.put("errors", errors);
            ArrayNode jobs = root.putArray("jobs");
            for (RestoreService.Result r : results) {
                ObjectNode n = jobs.addObject();
                n.put("id", r.id());
                n.put("queue", r.queue());
                n.put("action", r.action());
                n.put("outcome", r.outcome());
                n.put("detail", r.detail());
                ArrayNode keys = n.putArray("keysChanged");
                r.keysChanged().forEach(keys::add);
            }
            out.println(root);
        } else {
            for (RestoreService.Result r : results) {
                out.printf("%s job %s on %s (was %s): %s%n", switch (r.outcome()) {
                    case "restored" -> "Restored";
                    case "would-restore" -> "Would restore";
                    case "refused" -> "Refused";
                    case "skipped" -> "Skipped";
                    default -> "Failed to restore";
                }, r.id(), r.queue(), r.action(), r.detail());
            }
            out.printf("%s %d job(s)%s%n", dryRun ? "Would restore" : "Restored", restored,
                    refused > 0 ? ", refused " + refused + " (see --replace)" : "");
        }
        out.flush();
        err.flush();
        return refused > 0 || errors > 0 ? ExitCodes.FAILURE : ExitCodes.OK;
    }
}
