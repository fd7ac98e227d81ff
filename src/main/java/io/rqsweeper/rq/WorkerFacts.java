package io.rqsweeper.rq;

/**
 * What Redis says about the worker named in a job, read just before deciding.
 *
 * @param name             the worker name from the job's {@code worker_name}
 * @param keyExists        {@code rq:worker:<name>} exists
 * @param hasDeath         the worker hash has a {@code death} field (clean exit)
 * @param birth            the worker hash's {@code birth} text, or null
 * @param currentJob       the worker hash's {@code current_job} (RQ up to 2.12), or null
 * @param claimsExecution  the member is in {@code rq:worker:<name>:executions} (RQ's newer layout)
 * @param subscribers      subscribers of {@code rq:pubsub:<name>}: a live main process or an orphaned horse
 * @param version          the worker hash's {@code version} (RQ release), or null
 */
public record WorkerFacts(String name, boolean keyExists, boolean hasDeath, String birth, String currentJob,
                          boolean claimsExecution, long subscribers, String version) {
}
