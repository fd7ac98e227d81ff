package io.rqsweeper.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.rqsweeper.sweep.JobReport;
import io.rqsweeper.sweep.Outcome;
import io.rqsweeper.sweep.Reason;
import io.rqsweeper.sweep.SweepReport;

import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.stream.Collectors;

/** Renders a sweep report: results on stdout (text lines or one JSON object), diagnostics on stderr. */
public final class SweepRenderer {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final PrintWriter out;
    private final PrintWriter err;

    public SweepRenderer(PrintWriter out, PrintWriter err) {
        this.out = out;
        this.err = err;
    }

    public void render(SweepReport report, SweepCommand.OutputFormat format) {
        if (report.stoppedBy() != null) {
            err.println("rq-sweeper: error: " + report.stoppedBy() + "; the sweep stopped");
        }
        if (!report.redisAvailable()) {
            err.println("rq-sweeper: warning: " + report.redisProblem() + "; nothing was changed");
        } else if (report.redisProblem() != null) {
            err.println("rq-sweeper: error: " + report.redisProblem());
        }
        report.warnings().forEach(w -> err.println("rq-sweeper: warning: " + w));
        for (JobReport j : report.jobs()) {
            if (j.outcome() == Outcome.ERROR) {
                err.println("rq-sweeper: error: " + (j.id() == null ? "queue " + j.queue() : "job " + j.id() + " on " + j.queue())
                        + ": " + j.detail());
            }
        }
        if (format == SweepCommand.OutputFormat.JSON) {
            out.println(json(report));
        } else {
            text(report);
        }
        out.flush();
        err.flush();
    }

    private void text(SweepReport report) {
        if (!report.redisAvailable() && report.checked() == 0) {
            out.println("Redis unavailable: no jobs checked");
            return;
        }
        if (report.options().policy().force()) {
            out.println("FORCED: acting on every started job, live or not");
        }
        out.printf("Checking %d started job(s) in %d queue(s)...%n", report.checked(), report.queues());
        for (JobReport j : report.jobs()) {
            if (j.id() == null) {
                continue;
            }
            String facts = (j.ageSeconds() == null ? "age unknown" : "age " + Durations.clock(j.ageSeconds()))
                    + ", " + j.reasons().stream().map(Reason::label).collect(Collectors.joining(", "));
            if (j.stuck()) {
                out.printf("%s stuck job %s on %s (%s) -> %s%s%n", report.options().dryRun() ? "Would clean" : "Cleaning",
                        j.id(), j.queue(), facts, j.outcome().code(), suffix(j));
            } else {
                out.printf("Leaving job %s on %s alone (%s): %s%n", j.id(), j.queue(), facts, j.detail());
            }
        }
        if (report.workerRegistrationsRemoved() > 0) {
            out.printf("%s %d registration(s) of workers that are gone%n",
                    report.options().dryRun() ? "Would remove" : "Removed", report.workerRegistrationsRemoved());
        }
        if (report.stuck() == 0) {
            out.println("No stuck jobs");
        } else if (report.options().dryRun()) {
            out.printf("Dry run: %d stuck job(s) found, nothing changed%n", report.stuck());
        } else {
            out.printf("Cleaned %d stuck job(s)%s%n", report.cleaned(),
                    report.cleaned() < report.stuck() ? " of " + report.stuck() + " found" : "");
        }
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

    private static String json(SweepReport report) {
        ObjectNode root = JSON.createObjectNode();
        root.put("redis", report.redisAvailable() ? "ok" : "unavailable");
        root.put("dryRun", report.options().dryRun());
        root.put("action", report.options().startedAction().code());
        root.put("forced", report.options().policy().force());
        root.put("queues", report.queues());
        root.put("checked", report.checked());
        root.put("stuck", report.stuck());
        root.put("cleaned", report.cleaned());
        root.put("errors", report.errors());
        root.put("workerRegistrationsRemoved", report.workerRegistrationsRemoved());
        if (report.redisProblem() != null || report.stoppedBy() != null) {
            root.put("error", report.stoppedBy() != null ? report.stoppedBy() : report.redisProblem());
        }
        ArrayNode warnings = root.putArray("warnings");
        report.warnings().forEach(warnings::add);
        ArrayNode jobs = root.putArray("jobs");
        for (JobReport j : report.jobs()) {
            ObjectNode n = jobs.addObject();
            n.put("id", j.id());
            n.put("queue", j.queue());
            n.put("member", j.member());
            n.put("reason", j.reason() == null ? null : j.reason().code());
            ArrayNode reasons = n.putArray("reasons");
            j.reasons().forEach(r -> reasons.add(r.code()));
            if (j.ageSeconds() == null) {
                n.putNull("ageSeconds");
            } else {
                n.put("ageSeconds", j.ageSeconds());
            }
            n.put("outcome", j.outcome().code());
            n.put("action", j.action() == null ? null : j.action().code());
            n.put("stuck", j.stuck());
            n.put("detail", j.detail());
            n.put("worker", j.worker());
            n.put("rqVersion", j.rqVersion());
            n.put("rqVersionSource", j.rqVersionSource());
            ArrayNode notRun = n.putArray("notRun");
            j.notRun().forEach(notRun::add);
            ArrayNode keys = n.putArray("keysChanged");
            j.keysChanged().forEach(keys::add);
            ArrayNode dependents = n.putArray("dependents");
            j.dependents().forEach(dependents::add);
        }
        try {
            return JSON.writeValueAsString(root);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }
}
