package io.rqsweeper.rq;

import java.util.regex.Pattern;

/**
 * One member of a started registry. RQ 1.x stores the bare job id; RQ 2.x stores
 * {@code <job>:<execution>}, the execution id being a uuid4 as 32 lowercase hex digits.
 *
 * @param member      the member exactly as stored
 * @param jobId       the job id it names
 * @param executionId the execution id (RQ 2.x), or null for a 1.x member
 * @param score       the registry score: the epoch second after which RQ treats the entry as abandoned
 */
public record StartedEntry(String member, String jobId, String executionId, double score) {

    private static final Pattern EXECUTION_ID = Pattern.compile("[0-9a-f]{32}");

    /**
     * Splits a member at its last colon when what follows looks like an RQ 2.x execution id.
     * A 1.x job id may itself contain colons, so the caller confirms with {@link #asBareId()} when the
     * composite reading names no job hash.
     */
    public static StartedEntry parse(String member, double score) {
        int colon = member.lastIndexOf(':');
        if (colon > 0 && EXECUTION_ID.matcher(member.substring(colon + 1)).matches()) {
            return new StartedEntry(member, member.substring(0, colon), member.substring(colon + 1), score);
        }
        return new StartedEntry(member, member, null, score);
    }

    public boolean isComposite() {
        return executionId != null;
    }

    /** The same member read as a 1.x bare job id. */
    public StartedEntry asBareId() {
        return new StartedEntry(member, member, null, score);
    }
}
