package io.rqsweeper.sweep;

import io.rqsweeper.rq.JobFields;
import io.rqsweeper.rq.RqGeneration;
import io.rqsweeper.rq.StartedEntry;
import io.rqsweeper.rq.WorkerFacts;

/**
 * One started entry as read from Redis, with the verdict on it. The facts are what a resolving script
 * re-checks before it writes.
 *
 * @param queue         queue whose started registry holds the entry
 * @param entry         the entry
 * @param job           the job's fields, or null when its hash is missing
 * @param worker        the named worker's facts, or null when the job names none
 * @param now           Redis TIME (seconds) when read
 * @param verdict       the judgement
 * @param generation    RQ generation to write for, or null when no write depends on it
 * @param generationSource where the generation came from
 */
public record Assessment(String queue, StartedEntry entry, JobFields job, WorkerFacts worker, long now,
                         Verdict verdict, RqGeneration generation, String generationSource) {
}
