package io.rqsweeper.diagnose;

import io.rqsweeper.redis.RedisCommandException;
import io.rqsweeper.redis.RedisConnector;
import io.rqsweeper.redis.RedisSession;
import io.rqsweeper.redis.RedisTarget;
import io.rqsweeper.redis.RedisUnavailableException;
import io.rqsweeper.rq.JobFields;
import io.rqsweeper.rq.RqKeys;
import io.rqsweeper.rq.RqReader;
import io.rqsweeper.sweep.Assessment;
import io.rqsweeper.sweep.SweepOptions;
import io.rqsweeper.sweep.SweepService;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Counts what each queue holds and which workers are alive, with read commands only. The abandoned count is
 * {@code sweep}'s own judgement ({@link SweepService#assess}, {@link SweepService#stuckBeforeStart}) over the same
 * reads ({@link RqReader#read}), so {@code status} and {@code sweep} always agree.
 */
@ApplicationScoped
public class StatusService {
    /** How many abandoned ids per queue the text output names. */
    public static final int ABANDONED_IDS_SHOWN = 5;
    /** Started entries read and judged per round trip, as the sweep pages them. */
    static final int PAGE_SIZE = 500;

    @Inject
    RedisConnector connector;

    @Inject
    SweepService sweep;

    /** One snapshot. Never throws for Redis trouble: an unreachable Redis gives {@code redisAvailable == false}. */
    public StatusReport status(RedisTarget target, Duration timeout, StatusOptions options) {
        try (RedisSession redis = connector.open(target, timeout)) {
            RqReader rq = new RqReader(redis);
            List<String> problems = new ArrayList<>();
            long now = rq.now();
            List<Object> flag = redis.readAll(List.of(RedisSession.request(Command.EXISTS, RqKeys.suspended()),
                    RedisSession.request(Command.TTL, RqKeys.suspended())));
            Boolean suspended = flag.get(0) instanceof Response r ? r.toLong() > 0 : null;
            long suspendedTtl = flag.get(1) instanceof Response r ? r.toLong() : -2;

            List<String> names;
            try {
                names = options.queues().isEmpty() ? rq.queueNames() : List.copyOf(new java.util.TreeSet<>(options.queues()));
            } catch (RedisCommandException e) {
                return new StatusReport(true, now, RqKeys.QUEUES + " cannot be read: " + e.getMessage(), suspended, suspendedTtl,
                        List.of(), workers(redis, options, problems), problems);
            }
            SweepOptions judged = SweepOptions.of(names, options.policy(), null, true, null);
            Map<String, List<String>> fleetVersions = new HashMap<>();
            List<QueueCounts> queues = new ArrayList<>(names.size());
            for (String name : names) {
                queues.add(queue(redis, rq, name, judged, fleetVersions));
            }
            return new StatusReport(true, now, null, suspended, suspendedTtl, queues, workers(redis, options, problems), problems);
        } catch (RedisUnavailableException e) {
            return StatusReport.unavailable(e.getMessage());
        } catch (RedisCommandException e) {
            // A read Redis refused outside the per-key handling (a permission, a key changing type meanwhile):
            // the snapshot is incomplete, so it says so instead of guessing.
            return new StatusReport(true, 0, "Redis refused a read: " + e.getMessage(), null, -2, List.of(), List.of(),
                    List.of());
        }
    }

    private QueueCounts queue(RedisSession redis, RqReader rq, String name, SweepOptions options,
                              Map<String, List<String>> fleetVersions) {
        List<String> problems = new ArrayList<>();
        long now = rq.now();
        String zero = "0";
        String nowText = Long.toString(now);
        List<Request> requests = List.of(
                RedisSession.request(Command.LLEN, RqKeys.queue(name)),
                RedisSession.request(Command.ZCARD, RqKeys.startedRegistry(name)),
                RedisSession.request(Command.ZCARD, RqKeys.failedRegistry(name)),
                RedisSession.request(Command.ZCOUNT, RqKeys.failedRegistry(name), zero, nowText),
                RedisSession.request(Command.ZCARD, RqKeys.finishedRegistry(name)),
                RedisSession.request(Command.ZCOUNT, RqKeys.finishedRegistry(name), zero, nowText),
                RedisSession.request(Command.ZCARD, RqKeys.deferredRegistry(name)),
                RedisSession.request(Command.ZCARD, RqKeys.scheduledRegistry(name)),
                RedisSession.request(Command.ZCARD, RqKeys.canceledRegistry(name)));
        List<Object> r = redis.readAll(requests);
        List<String> keys = List.of(RqKeys.queue(name), RqKeys.startedRegistry(name), RqKeys.failedRegistry(name),
                RqKeys.failedRegistry(name), RqKeys.finishedRegistry(name), RqKeys.finishedRegistry(name),
                RqKeys.deferredRegistry(name), RqKeys.scheduledRegistry(name), RqKeys.canceledRegistry(name));
        Long[] n = new Long[r.size()];
        for (int i = 0; i < r.size(); i++) {
            if (r.get(i) instanceof Response x) {
                n[i] = x.toLong();
            } else if (r.get(i) instanceof RedisCommandException e && (i == 0 || !keys.get(i).equals(keys.get(i - 1)))) {
                problems.add(keys.get(i) + " cannot be read: " + e.getMessage());
            }
        }
        List<String> abandonedIds = new ArrayList<>();
        Long abandoned = n[1] == null ? null : abandoned(rq, name, options, fleetVersions, abandonedIds, problems);
        return new QueueCounts(name, n[0], n[1], abandoned, unexpired(n[2], n[3]), unexpired(n[4], n[5]), n[6], n[7], n[8],
                abandonedIds, problems);
    }

    /** RQ counts a failed or finished registry after dropping entries scored in [0, now]: their TTL ran out. */
    private static Long unexpired(Long all, Long expired) {
        return all == null || expired == null ? null : all - expired;
    }

    /**
     * Entries the sweep would clean: started entries it judges stuck, and intermediate-list ids it would requeue.
     * Null when a key it needs cannot be read (then the count would be a guess).
     */
    private Long abandoned(RqReader rq, String queue, SweepOptions options, Map<String, List<String>> fleetVersions,
                           List<String> ids, List<String> problems) {
        long count = 0;
        Set<String> seen = new HashSet<>();
        String cursor = "0";
        try {
            do {
                RqReader.Page page = rq.scanStarted(queue, cursor, PAGE_SIZE);
                cursor = page.cursor();
                long now = rq.now();
                for (RqReader.EntryFacts f : rq.read(queue, page.entries())) {
                    if (!f.present() || !seen.add(f.entry().member())) {
                        continue;
                    }
                    if (f.jobError() != null) {
                        problems.add("job " + f.entry().jobId() + " on " + queue + " cannot be read: " + f.jobError()
                                + " (sweep leaves it alone)");
                        continue;
                    }
                    Assessment a = sweep.assess(rq, queue, f, now, options, fleetVersions);
                    if (a.verdict().isStuck()) {
                        count++;
                        note(ids, f.entry().jobId());
                    }
                }
            } while (!"0".equals(cursor));
        } catch (RedisCommandException e) {
            problems.add(RqKeys.startedRegistry(queue) + " cannot be read: " + e.getMessage());
            return null;
        }
        List<String> intermediate;
        try {
            intermediate = rq.intermediateIds(queue);
        } catch (RedisCommandException e) {
            problems.add(RqKeys.intermediateQueue(queue) + " cannot be read: " + e.getMessage());
            return null;
        }
        if (!intermediate.isEmpty()) {
            long now = rq.now();
            boolean liveWorker = rq.hasLiveWorker(queue);
            for (String id : intermediate) {
                try {
                    JobFields job = rq.jobFields(id);
                    if (SweepService.stuckBeforeStart(job, liveWorker, rq.intermediateFirstSeen(queue, id), now,
                            options.policy()) != null) {
                        count++;
                        note(ids, id);
                    }
                } catch (RedisCommandException e) {
                    problems.add("job " + id + " on " + queue + " cannot be read: " + e.getMessage() + " (sweep leaves it alone)");
                }
            }
        }
        return count;
    }

    private static void note(List<String> ids, String id) {
        if (ids.size() < ABANDONED_IDS_SHOWN && !ids.contains(id)) {
            ids.add(id);
        }
    }

    /** The workers RQ lists in {@code rq:workers}; with --queue, only those listening on one of those queues. */
    private List<WorkerView> workers(RedisSession redis, StatusOptions options, List<String> problems) {
        WorkerReader reader = new WorkerReader(redis);
        Set<String> registered;
        try {
            registered = reader.registeredKeys();
        } catch (RedisCommandException e) {
            problems.add(RqKeys.workers() + " cannot be read: " + e.getMessage());
            return List.of();
        }
        List<WorkerView> all = reader.read(registered, registered);
        if (options.queues().isEmpty()) {
            return all;
        }
        return all.stream().filter(w -> w.queues().stream().anyMatch(options.queues()::contains)).toList();
    }
}
