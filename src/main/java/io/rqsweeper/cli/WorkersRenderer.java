package io.rqsweeper.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.rqsweeper.diagnose.WorkerView;
import io.rqsweeper.diagnose.WorkersReport;

import java.io.PrintWriter;

/** {@code workers} as an aligned table or one JSON document. */
final class WorkersRenderer {
    private static final ObjectMapper JSON = new ObjectMapper();

    private WorkersRenderer() {
    }

    static void text(WorkersReport r, PrintWriter out) {
        if (!r.redisAvailable()) {
            out.println("Redis unavailable: nothing checked");
            return;
        }
        if (r.workers().isEmpty()) {
            out.println("No worker keys and no workers registered in rq:workers");
            return;
        }
        long now = r.now();
        TextTable t = new TextTable("WORKER", "ALIVE", "STATE", "QUEUES", ">PUBSUB", ">TTL", "BORN", "LAST HEARTBEAT",
                "CURRENT JOB", "NOTES");
        for (WorkerView w : r.workers()) {
            t.row(w.name(), StatusRenderer.alive(w), w.state(), w.queues().isEmpty() ? null : String.join(",", w.queues()),
                    w.subscribers(), w.keyExists() ? InspectRenderer.ttl(w.ttlSeconds()) : null,
                    StatusRenderer.ago(w.birth(), now), StatusRenderer.ago(w.lastHeartbeat(), now), w.currentJob(), notes(w));
        }
        t.print(out);
    }

    static ObjectNode json(WorkersReport r) {
        ObjectNode root = JSON.createObjectNode();
        root.put("redis", r.redisAvailable() ? "ok" : "unavailable");
        ArrayNode workers = root.putArray("workers");
        for (WorkerView w : r.workers()) {
            fill(workers.addObject(), w);
        }
        if (r.redisProblem() != null) {
            root.put("error", r.redisProblem());
        }
        return root;
    }

    /** One worker's JSON fields, shared with {@code inspect}. */
    static void fill(ObjectNode n, WorkerView w) {
        n.put("name", w.name());
        n.put("key", w.key());
        n.put("keyExists", w.keyExists());
        n.put("registered", w.registered());
        n.put("alive", w.alive());
        n.put("state", w.state());
        ArrayNode queues = n.putArray("queues");
        w.queues().forEach(queues::add);
        n.put("subscribers", w.subscribers());
        n.put("ttlSeconds", w.keyExists() ? w.ttlSeconds() : null);
        n.put("birth", w.birth());
        n.put("lastHeartbeat", w.lastHeartbeat());
        n.put("death", w.death());
        n.put("currentJob", w.currentJob());
        n.put("pid", w.pid());
        n.put("hostname", w.hostname());
        n.put("version", w.version());
        ArrayNode ghost = n.putArray("ghost");
        w.ghost().forEach(ghost::add);
    }

    private static String notes(WorkerView w) {
        StringBuilder s = new StringBuilder();
        if (w.ghost().contains(WorkerView.NO_TTL)) {
            s.append("ghost: key has no TTL");
        }
        if (w.ghost().contains(WorkerView.NO_KEY)) {
            s.append("ghost: listed in rq:workers without a key");
        }
        if (!w.registered() && w.keyExists()) {
            s.append(s.length() > 0 ? "; " : "").append("not in rq:workers");
        }
        if (w.keyExists() && !"hash".equals(w.keyType())) {
            s.append(s.length() > 0 ? "; " : "").append("key is a ").append(w.keyType()).append(", not a hash");
        }
        return s.length() == 0 ? null : s.toString();
    }
}
