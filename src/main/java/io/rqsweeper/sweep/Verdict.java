package io.rqsweeper.sweep;

import java.util.List;

/**
 * The judgement on one started entry.
 *
 * @param kind    what to do with it
 * @param reasons why, most important first
 */
public record Verdict(Kind kind, List<Reason> reasons) {

    public enum Kind {
        /** The job hash is gone: remove the entry only. */
        DANGLING,
        /** The job already has a final status: remove the leftover entry only. */
        STALE,
        /** Nobody runs the job any more: resolve it with the chosen action. */
        ABANDONED,
        /** Left alone, but worth reporting (stalled heartbeat of a live owner, possible orphan horse, odd status). */
        KEPT,
        /** Healthy or too young: not reported. */
        HEALTHY
    }

    public static Verdict of(Kind kind, Reason... reasons) {
        return new Verdict(kind, List.of(reasons));
    }

    public boolean isStuck() {
        return kind == Kind.DANGLING || kind == Kind.STALE || kind == Kind.ABANDONED;
    }
}
