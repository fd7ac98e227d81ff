package io.rqsweeper.rq;

/**
 * The RQ releases that differ in how an abandoned job must be failed (spec §5.2, §6.2). Each difference
 * that matters to rq-sweeper is a method here, not an {@code if} in the service.
 */
public enum RqGeneration {
    /** RQ 1.10–1.16: bare job id in the started registry; failure text in the job's {@code exc_info}. */
    V1("1.x"),
    /** RQ 2.0–2.1: {@code <job>:<execution>} members; failure text still in {@code exc_info}. */
    V2_EARLY("2.0-2.1"),
    /** RQ 2.2 and later: failure text as a results-stream entry; {@code exc_info} is not written. */
    V2("2.2+");

    private final String label;

    RqGeneration(String label) {
        this.label = label;
    }

    public String label() {
        return label;
    }

    /** RQ's cleanup stores the failure text zlib-compressed in the job hash's {@code exc_info}. */
    public boolean failureTextInExcInfo() {
        return this != V2;
    }

    /** RQ's cleanup adds a {@code type 2} entry (with an empty {@code worker_name}) to {@code rq:results:<id>}. */
    public boolean failureTextInResultsStream() {
        return this == V2;
    }

    /** RQ's cleanup enqueues dependents that were enqueued with {@code allow_failure=True}. */
    public boolean releasesAllowFailureDependents() {
        return this != V1;
    }

    /**
     * The generation of an RQ version string such as {@code 2.12.0}, or null when it is not one we know.
     */
    public static RqGeneration ofVersion(String version) {
        if (version == null) {
            return null;
        }
        String[] parts = version.trim().split("\\.");
        try {
            int major = Integer.parseInt(parts[0]);
            int minor = parts.length > 1 ? Integer.parseInt(parts[1].replaceAll("\\D.*$", "")) : 0;
            if (major == 1) {
                return V1;
            }
            if (major == 2) {
                return minor <= 1 ? V2_EARLY : V2;
            }
            return major > 2 ? V2 : null;
        } catch (NumberFormatException e) {
            return null;
        }
    }
}
