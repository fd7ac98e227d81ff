package io.rqsweeper.diagnose;

import java.util.List;

/**
 * What {@code workers} found.
 *
 * @param redisAvailable Redis could be reached; when false nothing else is known
 * @param redisProblem   why Redis was unavailable, or null
 * @param now            Redis's clock (epoch seconds) when read
 * @param workers        every worker hash and every key listed in {@code rq:workers}, by name
 * @param problems       keys that could not be read, each named
 */
public record WorkersReport(boolean redisAvailable, String redisProblem, long now, List<WorkerView> workers,
                            List<String> problems) {

    public static WorkersReport unavailable(String problem) {
        return new WorkersReport(false, problem, 0, List.of(), List.of());
    }
}
