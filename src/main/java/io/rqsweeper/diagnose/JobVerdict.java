package io.rqsweeper.diagnose;

import java.util.List;

/**
 * The verdict on a job, with the reasoning, as {@code sweep} (with the same options) would judge it now.
 *
 * @param verdict one word: {@code abandoned}, {@code dangling}, {@code stale} (what sweep would clean);
 *                {@code live}, {@code stalled}, {@code pending}, {@code kept} (started, left alone);
 *                {@code waiting}, {@code ended}, {@code missing}, {@code unreadable} (not started)
 * @param summary the verdict and the facts behind it in one line, e.g.
 *                {@code abandoned: heartbeat lapsed 4m12s ago, worker w1 gone; sweep would fail it}
 * @param reasons the sweep's reason codes ({@code heartbeat-lapsed}, {@code worker-gone}, …), most important first
 * @param queue   queue of the started registry or list the verdict is about, or null
 * @param member  the started-registry member the verdict is about, or null
 */
public record JobVerdict(String verdict, String summary, List<String> reasons, String queue, String member) {

    /** Whether {@code sweep} would act on it now. */
    public boolean stuck() {
        return verdict.equals("abandoned") || verdict.equals("dangling") || verdict.equals("stale");
    }
}
