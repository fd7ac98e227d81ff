package io.rqsweeper.cli;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import io.rqsweeper.sweep.JobReport;
import io.rqsweeper.sweep.Outcome;
import io.rqsweeper.sweep.Reason;
import io.rqsweeper.sweep.SweepListener;
import io.rqsweeper.sweep.SweepOptions;
import io.rqsweeper.sweep.SweepReport;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.stream.Collectors;

/**
 * Renders a sweep as it happens: results on stdout (a line per job, or one JSON object written as the jobs
 * come), diagnostics on stderr, and progress on stderr when it is a terminal. Nothing is held per job.
 */
public final class SweepRenderer implements SweepListener {
    private static final JsonFactory JSON = new JsonFactory();
    private final PrintWriter out;
    private final PrintWriter err;
    private final SweepCommand.OutputFormat format;
    private final SweepOptions options;
    private final boolean showProgress;
    private final long startNanos = System.nanoTime();
    private JsonGenerator json;
    private boolean started;
    private long lastProgressNanos;
    private boolean progressShown;

    public SweepRenderer(PrintWriter out, PrintWriter err, SweepCommand.OutputFormat format, SweepOptions options) {
        this.out = out;
        this.err = err;
        this.format = format;
        this.options = options;
        // Progress is for people watching a terminal; pipelines and log collectors get none.
        this.showProgress = Terminal.isTerminal(2);
    }

    @Override
    public void started(int queues, long entries) {
        started = true;
        if (format == SweepCommand.OutputFormat.JSON) {
            openJson();
            return;
        }
        if (options.policy().force()) {
            out.println("FORCED: acting on every started job, live or not");
        }
        out.printf("Checking %d started job(s) in %d queue(s)...%n", entries, queues);
        out.flush();
    }

    @Override
    public void job(JobReport j) {
        clearProgress();
        if (j.outcome() == Outcome.ERROR) {
            err.println("rq-sweeper: error: " + (j.id() == null ? "queue " + j.queue() : "job " + j.id() + " on " + j.queue())
                    + ": " + j.detail());
            err.flush();
        }
        if (format == SweepCommand.OutputFormat.JSON) {
            writeJob(j);
        } else if (j.id() != null) {
            String facts = (j.ageSeconds() == null ? "age unknown" : "age " + Durations.clock(j.ageSeconds()))
                    + ", " + j.reasons().stream().map(Reason::label).collect(Collectors.joining(", "));
            if (j.stuck()) {
                out.printf("%s stuck job %s on %s (%s) -> %s%s%n", options.dryRun() ? "Would clean" : "Cleaning",
                        j.id(), j.queue(), facts, j.outcome().code(), suffix(j));
            } else {
                out.printf("Leaving job %s on %s alone (%s): %s%n", j.id(), j.queue(), facts, j.detail());
            }
        }
    }

    @Override
    public void queueSkipped(String queue, String holder) {
        if (format == SweepCommand.OutputFormat.TEXT) {
            clearProgress();
            out.printf("Skipping queue %s: another sweeper is sweeping it%s%n", queue,
                    holder.isEmpty() ? "" : " (" + holder + ")");
            out.flush();
        }
    }

    @Override
    public void progress(long checked, long total) {
        if (!showProgress || total < 2_000) {
            return;
        }
        long now = System.nanoTime();
        if (now - lastProgressNanos < 1_000_000_000L && checked < total) {
            return;
        }
        lastProgressNanos = now;
        double seconds = Math.max((now - startNanos) / 1e9, 0.001);
        long rate = (long) (checked / seconds);
        long eta = rate > 0 ? Math.max(total - checked, 0) / rate : 0;
        err.printf("\rrq-sweeper: %d/%d entries checked, %d/s, ETA %s ", checked, total, rate, Durations.clock(eta));
        err.flush();
        progressShown = true;
    }

    /** Closes the output with the counts, once the sweep is over. */
    public void finish(SweepReport report) {
        clearProgress();
        if (report.stoppedBy() != null) {
            err.println("rq-sweeper: error: " + report.stoppedBy() + "; the sweep stopped");
        }
        if (lost(report)) {
            err.println("rq-sweeper: warning: Redis was lost during the sweep: " + report.redisProblem() + "; the "
                    + report.cleaned() + " job(s) " + (options.dryRun() ? "planned" : "handled")
                    + " before stay so, the rest were not touched (each change is one atomic script); run it again to "
                    + "finish");
        } else if (!report.redisAvailable()) {
            err.println("rq-sweeper: warning: " + report.redisProblem() + "; nothing was changed");
        } else if (report.redisProblem() != null) {
            err.println("rq-sweeper: error: " + report.redisProblem());
        }
        report.warnings().forEach(w -> err.println("rq-sweeper: warning: " + w));
        if (format == SweepCommand.OutputFormat.JSON) {
            finishJson(report);
        } else {
            finishText(report);
        }
        out.flush();
        err.flush();
    }

    private void finishText(SweepReport report) {
        if (!started) {
            out.println(report.redisAvailable() ? "No queues checked" : "Redis unavailable: no jobs checked");
            return;
        }
        if (lost(report)) {
            out.printf("Redis lost: cleaned %d stuck job(s) before it went away; the rest are untouched%n", report.cleaned());
            return;
        }
        if (report.workerRegistrationsRemoved() > 0) {
            out.printf("%s %d registration(s) of workers that are gone%n",
                    options.dryRun() ? "Would remove" : "Removed", report.workerRegistrationsRemoved());
        }
        if (report.capped()) {
            out.printf("Found %d abandoned job(s), more than --max-jobs %d: nothing %s%n", report.stuck(),
                    options.maxJobs(), options.dryRun() ? "would be changed" : "changed");
        } else if (report.stuck() == 0) {
            out.println("No stuck jobs");
        } else if (options.dryRun()) {
            out.printf("Dry run: %d stuck job(s) found, nothing changed%n", report.stuck());
        } else {
            out.printf("Cleaned %d stuck job(s)%s%n", report.cleaned(),
                    report.cleaned() < report.stuck() ? " of " + report.stuck() + " found" : "");
        }
    }

    /** Redis went away after the sweep had begun (it had counted the queues' entries): some jobs may be done. */
    private boolean lost(SweepReport report) {
        return !report.redisAvailable() && started;
    }

    private static String suffix(JobReport j) {
        String s = switch (j.outcome()) {
            case FAILED, WOULD_FAIL -> "";
            case DELETED, WOULD_DELETE -> " (" + j.keysChanged().size() + " keys)"
                    + (j.dependents().isEmpty() ? "" : "; dependents left waiting: " + String.join(", ", j.dependents()));
            default -> " (" + j.detail() + ")";
        };
        // The text line names what the job itself asked for; "exception-handlers" (configured in workers, if
        // any) stays in the JSON, or every RQ 2.x line would carry it.
        List<String> notRun = j.notRun().stream().filter(n -> !n.equals("exception-handlers")).toList();
        if (!notRun.isEmpty()) {
            s += " [not run: " + String.join(", ", notRun) + "]";
        }
        return s;
    }

    private void openJson() {
        try {
            json = JSON.createGenerator(out);
            json.writeStartObject();
            json.writeArrayFieldStart("jobs");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void writeJob(JobReport j) {
        try {
            if (json == null) {
                openJson();
            }
            JsonGenerator g = json;
            g.writeStartObject();
            g.writeStringField("id", j.id());
            g.writeStringField("queue", j.queue());
            g.writeStringField("member", j.member());
            g.writeStringField("reason", j.reason() == null ? null : j.reason().code());
            g.writeArrayFieldStart("reasons");
            for (Reason r : j.reasons()) {
                g.writeString(r.code());
            }
            g.writeEndArray();
            if (j.ageSeconds() == null) {
                g.writeNullField("ageSeconds");
            } else {
                g.writeNumberField("ageSeconds", j.ageSeconds());
            }
            g.writeStringField("outcome", j.outcome().code());
            g.writeStringField("action", j.action() == null ? null : j.action().code());
            g.writeBooleanField("stuck", j.stuck());
            g.writeStringField("detail", j.detail());
            g.writeStringField("worker", j.worker());
            g.writeStringField("rqVersion", j.rqVersion());
            g.writeStringField("rqVersionSource", j.rqVersionSource());
            stringArray(g, "notRun", j.notRun());
            stringArray(g, "keysChanged", j.keysChanged());
            stringArray(g, "dependents", j.dependents());
            g.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void finishJson(SweepReport report) {
        try {
            if (json == null) {
                openJson();
            }
            JsonGenerator g = json;
            g.writeEndArray();
            g.writeStringField("redis", report.redisAvailable() ? "ok" : lost(report) ? "lost" : "unavailable");
            g.writeBooleanField("dryRun", options.dryRun());
            g.writeStringField("action", options.startedAction().code());
            g.writeBooleanField("forced", options.policy().force());
            g.writeNumberField("queues", report.queues());
            g.writeNumberField("checked", report.checked());
            g.writeNumberField("stuck", report.stuck());
            g.writeNumberField("cleaned", report.cleaned());
            g.writeBooleanField("capped", report.capped());
            g.writeNumberField("maxJobs", options.maxJobs());
            g.writeNumberField("errors", report.errors());
            g.writeNumberField("workerRegistrationsRemoved", report.workerRegistrationsRemoved());
            if (report.redisProblem() != null || report.stoppedBy() != null) {
                g.writeStringField("error", report.stoppedBy() != null ? report.stoppedBy() : report.redisProblem());
            }
            stringArray(g, "warnings", report.warnings());
            stringArray(g, "skippedQueues", report.skippedQueues());
            g.writeEndObject();
            g.flush();
            out.println();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void stringArray(JsonGenerator g, String name, List<String> values) throws IOException {
        g.writeArrayFieldStart(name);
        for (String v : values) {
            g.writeString(v);
        }
        g.writeEndArray();
    }

    private void clearProgress() {
        if (progressShown) {
            err.print("\r\033[K");
            err.flush();
            progressShown = false;
        }
    }
}
