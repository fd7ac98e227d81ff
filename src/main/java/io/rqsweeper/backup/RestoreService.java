package io.rqsweeper.backup;

import io.rqsweeper.redis.FactChecks;
import io.rqsweeper.redis.LuaScript;
import io.rqsweeper.redis.RedisCommandException;
import io.rqsweeper.redis.RedisConnector;
import io.rqsweeper.redis.RedisSession;
import io.rqsweeper.redis.RedisTarget;
import io.rqsweeper.redis.RedisUnavailableException;
import io.rqsweeper.redis.ScriptCall;
import io.rqsweeper.redis.ScriptResult;
import io.rqsweeper.rq.RqKeys;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** Puts jobs back as a backup file recorded them before a sweep changed them. One atomic script per job. */
@ApplicationScoped
public class RestoreService {
    private final LuaScript restoreJob = LuaScript.load("restore_job", RqKeys.luaPrefixTable());

    @Inject
    RedisConnector connector;

    /** What happened to one recorded change. {@code outcome}: restored, would-restore, refused, skipped, error. */
    public record Result(String id, String queue, String action, String outcome, String detail, List<String> keysChanged) {
    }

    /**
     * Restores every change in the file, newest first.
     *
     * @param replace restore even a job that changed after the sweep (or whose change is not known to have
     *                completed)
     * @throws IOException              when the file cannot be read
     * @throws IllegalArgumentException when it is not a backup file
     * @throws RedisUnavailableException when Redis cannot be reached
     */
    public List<Result> restore(RedisTarget target, Duration timeout, Path file, boolean dryRun, boolean replace)
            throws IOException {
        return restore(target, timeout, BackupFile.read(file), dryRun, replace);
    }

    /** Restores these changes (read from a backup file), newest first. */
    public List<Result> restore(RedisTarget target, Duration timeout, List<BackupFile.Entry> entries, boolean dryRun,
                                boolean replace) {
        List<Result> results = new ArrayList<>();
        try (RedisSession redis = connector.open(target, timeout)) {
            for (BackupFile.Entry e : entries) {
                results.add(restoreOne(redis, e, dryRun, replace));
            }
        }
        return results;
    }

    private Result restoreOne(RedisSession redis, BackupFile.Entry e, boolean dryRun, boolean replace) {
        if ("not-changed".equals(e.state())) {
            return new Result(e.id(), e.queue(), e.action(), "skipped", "the sweep did not change it (line " + e.line() + ")", List.of());
        }
        if ("unknown".equals(e.state()) && !replace) {
            return new Result(e.id(), e.queue(), e.action(), "refused",
                    "no record that the change completed (line " + e.line() + "); use --replace to restore anyway", List.of());
        }
        ScriptCall call = new ScriptCall(restoreJob, new FactChecks(), dryRun)
                .arg(replace || e.fingerprint() == null ? "" : e.fingerprint());
        List<JobSnapshot.OwnKey> own = new ArrayList<>(e.before().ownKeys());
        // Keys the change created that the snapshot did not list are removed too, so the job is as it was.
        for (String k : e.ownKeysAfter()) {
            if (own.stream().noneMatch(o -> o.key().equals(k))) {
                own.add(new JobSnapshot.OwnKey(k, null, 0));
            }
        }
        call.arg(Integer.toString(own.size()));
        for (JobSnapshot.OwnKey k : own) {
            call.arg(k.key()).arg(k.dump() == null ? new byte[0] : k.dump()).arg(Long.toString(k.pttl()));
        }
        call.arg(Integer.toString(e.before().memberships().size()));
        for (JobSnapshot.Membership m : e.before().memberships()) {
            call.arg(m.structure()).arg(m.key()).arg(m.member()).arg(m.present() ? "1" : "0").arg(m.score());
        }
        try {
            ScriptResult r = call.run(redis);
            return switch (r.code()) {
                case "restored" -> new Result(e.id(), e.queue(), e.action(), dryRun ? "would-restore" : "restored",
                        (dryRun ? "would restore " : "restored ") + r.keysChanged().size() + " key(s)", r.keysChanged());
                case "changed" -> new Result(e.id(), e.queue(), e.action(), "refused",
                        "the job changed after the sweep; use --replace to overwrite it", List.of());
                default -> new Result(e.id(), e.queue(), e.action(), "error", r.detail(), List.of());
            };
        } catch (RedisCommandException ex) {
            return new Result(e.id(), e.queue(), e.action(), "error", ex.getMessage(), List.of());
        }
    }
}
