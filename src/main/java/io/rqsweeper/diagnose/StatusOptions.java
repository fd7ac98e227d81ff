package io.rqsweeper.diagnose;

import io.rqsweeper.sweep.SweepPolicy;

import java.util.List;

/**
 * One status snapshot's input.
 *
 * @param queues queues to show; empty means every queue in {@code rq:queues}
 * @param policy the abandoned-job rule's knobs, as {@code sweep} would take them (never forced)
 */
public record StatusOptions(List<String> queues, SweepPolicy policy) {
}
