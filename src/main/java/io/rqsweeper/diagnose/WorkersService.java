package io.rqsweeper.diagnose;

import io.rqsweeper.redis.RedisCommandException;
import io.rqsweeper.redis.RedisConnector;
import io.rqsweeper.redis.RedisSession;
import io.rqsweeper.redis.RedisTarget;
import io.rqsweeper.redis.RedisUnavailableException;
import io.rqsweeper.rq.RqKeys;
import io.rqsweeper.rq.RqReader;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * Every worker Redis knows of, alive or not: the hashes found by SCAN (ghosts RQ no longer lists included) and
 * every key listed in {@code rq:workers} (including those whose hash is gone). Read commands only.
 */
@ApplicationScoped
public class WorkersService {

    @Inject
    RedisConnector connector;

    /** Never throws for Redis trouble: an unreachable Redis gives {@code redisAvailable == false}. */
    public WorkersReport workers(RedisTarget target, Duration timeout) {
        try (RedisSession redis = connector.open(target, timeout)) {
            long now = new RqReader(redis).now();
            WorkerReader reader = new WorkerReader(redis);
            List<String> problems = new ArrayList<>();
            Set<String> registered = Set.of();
            try {
                registered = reader.registeredKeys();
            } catch (RedisCommandException e) {
                problems.add(RqKeys.workers() + " cannot be read: " + e.getMessage());
            }
            Set<String> keys = new TreeSet<>(registered);
            keys.addAll(reader.scanWorkerKeys());
            List<WorkerView> workers = new ArrayList<>(reader.read(keys, registered));
            workers.sort(Comparator.comparing(WorkerView::name));
            return new WorkersReport(true, null, now, workers, problems);
        } catch (RedisUnavailableException e) {
            return WorkersReport.unavailable(e.getMessage());
        } catch (RedisCommandException e) {
            return new WorkersReport(true, "worker keys cannot be listed: " + e.getMessage(), 0, List.of(), List.of());
        }
    }
}
