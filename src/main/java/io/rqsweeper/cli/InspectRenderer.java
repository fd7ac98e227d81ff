package io.rqsweeper.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.rqsweeper.diagnose.Elapsed;
import io.rqsweeper.diagnose.FieldView;
import io.rqsweeper.diagnose.JobInspection;
import io.rqsweeper.diagnose.JobInspection.ExecutionView;
import io.rqsweeper.diagnose.JobInspection.Place;
import io.rqsweeper.diagnose.JobInspection.Related;
import io.rqsweeper.diagnose.JobVerdict;
import io.rqsweeper.diagnose.WorkerView;

import java.io.PrintWriter;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/** {@code inspect} as sections of text or one JSON document. */
final class InspectRenderer {
    private static final ObjectMapper JSON = new ObjectMapper();
    /** Long text values are cut in the text output (JSON carries them whole). */
    private static final int TEXT_WIDTH = 100;
    private static final Set<String> TIMESTAMPS = Set.of("created_at", "enqueued_at", "started_at", "ended_at", "last_heartbeat");

    private InspectRenderer() {
    }

    static void text(JobInspection in, PrintWriter out) {
        long now = in.now();
        out.println("Job " + p(in.id()));
        for (JobVerdict v : in.verdicts()) {
            out.println("  " + p(v.summary()) + (in.verdicts().size() > 1 && v.member() != null ? "  [" + p(v.member()) + "]" : ""));
        }
        out.println();
        out.println("Fields of " + p(in.key()) + (in.fields().isEmpty() ? ": " + ("none".equals(in.keyType()) ? "the key does not exist"
                : "hash".equals(in.keyType()) ? "none" : "it is a " + in.keyType() + ", not a hash") : ""));
        int width = in.fields().stream().mapToInt(f -> p(f.name()).length()).max().orElse(0);
        for (FieldView f : in.fields()) {
            out.println("  " + pad(p(f.name()), width) + "  " + value(f, now));
        }
        out.println();
        if (in.places().isEmpty()) {
            out.println("Listed in: no queue, intermediate list, registry or group");
        } else {
            out.println("Listed in");
            TextTable t = new TextTable("KEY", "AS", "WHERE");
            for (Place place : in.places()) {
                t.row(place.key(), place.kind(), where(place, in));
            }
            printIndented(t, out);
        }
        if (!in.executions().isEmpty()) {
            out.println();
            out.println("Executions (RQ 2.x)");
            for (ExecutionView e : in.executions()) {
                out.println("  " + p(e.id()) + "  " + execution(e, now));
            }
        }
        out.println();
        WorkerView w = in.worker();
        if (w == null) {
            out.println("Worker: none recorded (worker_name is empty or missing)");
        } else {
            String why = StatusRenderer.notAliveBecause(w);
            out.println("Worker " + p(w.name()) + ": " + (why == null ? "alive" : "not alive (" + why + ")") + ", "
                    + (in.workerClaims() ? "claims this job" : "does not claim this job"));
            out.println("  key " + p(w.key()) + (w.keyExists() ? ", TTL " + ttl(w.ttlSeconds()) : " gone")
                    + ", pub/sub subscribers " + w.subscribers()
                    + (w.state() == null ? "" : ", state " + p(w.state()))
                    + (w.currentJob() == null ? "" : ", current job " + p(w.currentJob()))
                    + (w.lastHeartbeat() == null ? "" : ", last heartbeat " + StatusRenderer.ago(w.lastHeartbeat(), now))
                    + (w.death() == null ? "" : ", died " + StatusRenderer.ago(w.death(), now)));
        }
        out.println();
        out.println("Dependencies: " + related(in.dependencies()));
        out.println("Dependents: " + related(in.dependents()));
        JobInspection.Results r = in.results();
        out.println("Results: " + (r == null ? "no stream" : r.entries() + " entr" + (r.entries() == 1 ? "y" : "ies")
                + " in " + p(io.rqsweeper.rq.RqKeys.results(in.id()))
                + (r.latestType() == null ? "" : "; latest " + p(r.latestType())
                + (r.latestAtMs() == null ? "" : " " + Elapsed.relative(now - r.latestAtMs() / 1000)))));
    }

    static ObjectNode json(JobInspection in) {
        ObjectNode root = JSON.createObjectNode();
        root.put("redis", in.redisAvailable() ? "ok" : "unavailable");
        root.put("id", in.id());
        if (in.redisProblem() != null) {
            root.put("error", in.redisProblem());
            return root;
        }
        root.put("found", in.found());
        JobVerdict first = in.verdicts().isEmpty() ? null : in.verdicts().get(0);
        root.put("verdict", first == null ? null : first.verdict());
        root.put("summary", first == null ? null : first.summary());
        root.put("key", in.key());
        root.put("keyType", in.keyType());
        ArrayNode fields = root.putArray("fields");
        for (FieldView f : in.fields()) {
            ObjectNode n = fields.addObject();
            n.put("name", f.name());
            n.put("type", f.type());
            n.put("size", f.size());
            n.put("value", f.value());
        }
        ArrayNode places = root.putArray("places");
        for (Place place : in.places()) {
            ObjectNode n = places.addObject();
            n.put("kind", place.kind());
            n.put("key", place.key());
            n.put("queue", place.queue());
            n.put("member", place.member());
            putScore(n, "score", place.score());
            n.put("position", place.position());
        }
        ArrayNode executions = root.putArray("executions");
        for (ExecutionView e : in.executions()) {
            ObjectNode n = executions.addObject();
            n.put("id", e.id());
            n.put("key", e.key());
            n.put("exists", e.exists());
            n.put("ttlSeconds", e.exists() ? e.ttlSeconds() : null);
            n.put("createdAt", e.createdAt());
            n.put("lastHeartbeat", e.lastHeartbeat());
            putScore(n, "score", e.score());
            n.put("worker", e.worker());
        }
        WorkerView w = in.worker();
        if (w == null) {
            root.putNull("worker");
        } else {
            ObjectNode n = root.putObject("worker");
            WorkersRenderer.fill(n, w);
            n.put("claimsJob", in.workerClaims());
        }
        related(root.putArray("dependencies"), in.dependencies());
        related(root.putArray("dependents"), in.dependents());
        JobInspection.Results r = in.results();
        if (r == null) {
            root.putNull("results");
        } else {
            ObjectNode n = root.putObject("results");
            n.put("entries", r.entries());
            n.put("latestType", r.latestType());
            n.put("latestAtMs", r.latestAtMs());
        }
        ArrayNode verdicts = root.putArray("verdicts");
        for (JobVerdict v : in.verdicts()) {
            ObjectNode n = verdicts.addObject();
            n.put("verdict", v.verdict());
            n.put("summary", v.summary());
            ArrayNode reasons = n.putArray("reasons");
            v.reasons().forEach(reasons::add);
            n.put("queue", v.queue());
            n.put("member", v.member());
        }
        ArrayNode problems = root.putArray("problems");
        in.problems().forEach(problems::add);
        return root;
    }

    private static void putScore(ObjectNode n, String name, Double score) {
        if (score == null) {
            n.putNull(name);
        } else if (Double.isInfinite(score)) {
            n.put(name, score > 0 ? "+inf" : "-inf");
        } else {
            n.put(name, score);
        }
    }

    private static void related(ArrayNode array, List<Related> related) {
        for (Related r : related) {
            ObjectNode n = array.addObject();
            n.put("id", r.id());
            n.put("status", r.status());
        }
    }

    private static String value(FieldView f, long now) {
        if (!FieldView.TEXT.equals(f.type())) {
            String what = switch (f.type()) {
                case FieldView.ZLIB -> "zlib-compressed";
                case FieldView.PICKLE -> "pickled";
                case FieldView.UNREAD -> "not read (too large)";
                default -> "binary";
            };
            return "<" + what + ", " + f.size() + " bytes>";
        }
        String v = f.value();
        if (v.isEmpty()) {
            return "''";
        }
        String shown = p(v.length() > TEXT_WIDTH ? v.substring(0, TEXT_WIDTH) + "… (" + v.length() + " chars)" : v);
        if (TIMESTAMPS.contains(f.name())) {
            shown += Elapsed.since(v, now).map(s -> "  (" + Elapsed.relative(s) + ")").orElse("");
        }
        return shown;
    }

    private static String where(Place place, JobInspection in) {
        long now = in.now();
        if (place.position() != null) {
            return "position " + place.position() + (place.position() == 0 ? " (next)" : "");
        }
        if (place.score() == null) {
            return place.kind().equals("group") ? "member" : "";
        }
        String member = place.member().equals(in.id()) ? "" : "member " + place.member() + ", ";
        double s = place.score();
        if (Double.isInfinite(s)) {
            return member + "score " + (s > 0 ? "+inf" : "-inf");
        }
        String rel = Elapsed.relative(now - (long) Math.floor(s));
        String meaning = switch (place.kind()) {
            case "started" -> "heartbeat deadline ";
            case "failed", "finished" -> s < 0 ? "kept forever" : "expires ";
            case "scheduled" -> "due ";
            default -> "since ";
        };
        return member + (meaning.equals("kept forever") ? meaning : meaning + rel);
    }

    private static String execution(ExecutionView e, long now) {
        StringBuilder s = new StringBuilder(e.exists() ? "hash TTL " + ttl(e.ttlSeconds()) : "hash gone (expired with its heartbeat)");
        epoch(e.createdAt(), now).ifPresent(a -> s.append(", created ").append(a));
        epoch(e.lastHeartbeat(), now).ifPresent(a -> s.append(", last heartbeat ").append(a));
        s.append(e.score() == null ? ", not in rq:executions" : ", in rq:executions");
        if (e.worker() != null) {
            s.append(", worker ").append(p(e.worker()));
        }
        return s.toString();
    }

    /** Execution hashes keep float epoch seconds, not RQ's timestamp text. */
    private static java.util.Optional<String> epoch(String text, long now) {
        try {
            return text == null ? java.util.Optional.empty()
                    : java.util.Optional.of(Elapsed.relative(now - (long) Double.parseDouble(text)));
        } catch (NumberFormatException e) {
            return java.util.Optional.of(p(text));
        }
    }

    private static String related(List<Related> related) {
        if (related.isEmpty()) {
            return "none";
        }
        return related.stream().map(r -> p(r.id()) + " (" + (r.status() == null ? "hash gone" : p(r.status())) + ")")
                .collect(Collectors.joining(", "));
    }

    static String ttl(long ttl) {
        return ttl == -1 ? "none" : ttl < 0 ? "-" : Elapsed.compact(ttl);
    }

    private static void printIndented(TextTable t, PrintWriter out) {
        java.io.StringWriter s = new java.io.StringWriter();
        PrintWriter w = new PrintWriter(s);
        t.print(w);
        w.flush();
        s.toString().lines().forEach(l -> out.println("  " + l));
    }

    private static String pad(String s, int width) {
        return s + " ".repeat(Math.max(0, width - s.length()));
    }

    private static String p(String s) {
        return Terminal.printable(s);
    }
}
