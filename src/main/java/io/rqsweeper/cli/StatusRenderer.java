package io.rqsweeper.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.rqsweeper.diagnose.Elapsed;
import io.rqsweeper.diagnose.QueueCounts;
import io.rqsweeper.diagnose.StatusReport;
import io.rqsweeper.diagnose.WorkerView;

import java.io.PrintWriter;
import java.util.List;

/** {@code status} as an aligned text table or one JSON document. */
final class StatusRenderer {
    private static final ObjectMapper JSON = new ObjectMapper();

    private StatusRenderer() {
    }

    static void text(StatusReport r, PrintWriter out) {
        long now = r.now();
        if (!r.redisAvailable()) {
            out.println("Redis unavailable: nothing checked");
            return;
        }
        out.println(suspension(r));
        out.println();
        if (r.redisProblem() != null) {
            out.println("Queues unknown: " + r.redisProblem());
        } else if (r.queues().isEmpty()) {
            out.println("No queues in rq:queues");
        } else {
            TextTable t = new TextTable("QUEUE", ">QUEUED", ">STARTED", ">ABANDONED", ">FAILED", ">FINISHED", ">DEFERRED",
                    ">SCHEDULED", ">CANCELED");
            for (QueueCounts q : r.queues()) {
                t.row(q.name(), count(q.queued()), count(q.started()), count(q.abandoned()), count(q.failed()),
                        count(q.finished()), count(q.deferred()), count(q.scheduled()), count(q.canceled()));
            }
            t.print(out);
        }
        out.println();
        if (r.workers().isEmpty()) {
            out.println("No workers registered in rq:workers");
        } else {
            TextTable t = new TextTable("WORKER", "QUEUES", "STATE", "ALIVE", "CURRENT JOB", "LAST HEARTBEAT");
            for (WorkerView w : r.workers()) {
                t.row(w.name(), w.queues().isEmpty() ? null : String.join(",", w.queues()), w.state(), alive(w),
                        w.currentJob(), ago(w.lastHeartbeat(), now));
            }
            t.print(out);
        }
        List<QueueCounts> withAbandoned = r.queues().stream().filter(q -> q.abandoned() != null && q.abandoned() > 0).toList();
        if (!withAbandoned.isEmpty()) {
            out.println();
            out.println("Abandoned (what 'rq-sweeper sweep' would clean; 'rq-sweeper inspect JOB_ID' says why):");
            for (QueueCounts q : withAbandoned) {
                out.println("  " + Terminal.printable(q.name()) + ": " + Terminal.printable(String.join(", ", q.abandonedIds()))
                        + (q.abandoned() > q.abandonedIds().size() ? " and " + (q.abandoned() - q.abandonedIds().size()) + " more" : ""));
            }
        }
    }

    static ObjectNode json(StatusReport r) {
        ObjectNode root = JSON.createObjectNode();
        root.put("redis", r.redisAvailable() ? "ok" : "unavailable");
        if (r.suspended() == null) {
            root.putNull("suspended");
        } else {
            root.put("suspended", r.suspended());
        }
        ArrayNode queues = root.putArray("queues");
        for (QueueCounts q : r.queues()) {
            ObjectNode n = queues.addObject();
            n.put("name", q.name());
            n.put("queued", q.queued());
            n.put("started", q.started());
            n.put("abandoned", q.abandoned());
            n.put("failed", q.failed());
            n.put("finished", q.finished());
            n.put("deferred", q.deferred());
            n.put("scheduled", q.scheduled());
            n.put("canceled", q.canceled());
        }
        ArrayNode workers = root.putArray("workers");
        for (WorkerView w : r.workers()) {
            ObjectNode n = workers.addObject();
            n.put("name", w.name());
            ArrayNode wq = n.putArray("queues");
            w.queues().forEach(wq::add);
            n.put("state", w.state());
            n.put("alive", w.alive());
            n.put("currentJob", w.currentJob());
            n.put("lastHeartbeat", w.lastHeartbeat());
        }
        if (r.redisProblem() != null) {
            root.put("error", r.redisProblem());
        }
        return root;
    }

    private static String suspension(StatusReport r) {
        if (r.suspended() == null) {
            return "Suspended: unknown (rq:suspended cannot be read)";
        }
        if (!r.suspended()) {
            return "Suspended: no";
        }
        return "Suspended: YES (rq suspend): workers take no new jobs and run no maintenance"
                + (r.suspendedTtl() > 0 ? "; lifts by itself in " + Elapsed.compact(r.suspendedTtl()) : "; until 'rq resume'");
    }

    static String alive(WorkerView w) {
        String why = notAliveBecause(w);
        return why == null ? "yes" : "no (" + why + ")";
    }

    /** Why a worker is not alive, or null when it is. */
    static String notAliveBecause(WorkerView w) {
        if (w.alive()) {
            return null;
        }
        if (!w.keyExists()) {
            return "key gone";
        }
        if (!"hash".equals(w.keyType())) {
            return "key is not a hash";
        }
        if (w.death() != null) {
            return "exited";
        }
        return "not connected";
    }

    static String ago(String rqTimestamp, long now) {
        if (rqTimestamp == null || rqTimestamp.isEmpty()) {
            return null;
        }
        return Elapsed.since(rqTimestamp, now).map(Elapsed::relative).orElse(rqTimestamp);
    }

    private static Object count(Long n) {
        return n == null ? "?" : n;
    }
}
