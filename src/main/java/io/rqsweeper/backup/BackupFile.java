package io.rqsweeper.backup;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/**
 * The backup file: JSON lines appended by sweeps, read by {@code restore}. Before each change a
 * {@code before} line holds the job's {@link JobSnapshot}; after it an {@code after} line holds the
 * fingerprint of what the change left (restore refuses a job that changed since). Every line is forced to
 * disk before the change it protects is made.
 */
public final class BackupFile implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final Path path;
    private final FileChannel channel;

    private BackupFile(Path path, FileChannel channel) {
        this.path = path;
        this.channel = channel;
    }

    /** Opens (creating, owner-only) for appending. */
    /**
     * Why a backup could not be written at {@code path} (a directory, a missing or read-only directory, a file
     * that cannot be written), or null when it looks writable. Checked before a sweep starts, as a usage error.
     */
    public static String problemWith(Path path) {
        if (Files.isDirectory(path)) {
            return path + " is a directory";
        }
        if (Files.exists(path)) {
            return Files.isWritable(path) ? null : "cannot write to " + path;
        }
        Path dir = path.toAbsolutePath().getParent();
        if (dir == null || !Files.isDirectory(dir)) {
            return "the directory of " + path + " does not exist";
        }
        return Files.isWritable(dir) ? null : "cannot create " + path + ": its directory is not writable";
    }

    public static BackupFile openForAppend(Path path) throws IOException {
        if (!Files.exists(path)) {
            try {
                Files.createFile(path, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            } catch (UnsupportedOperationException e) {
                Files.createFile(path);
            }
        }
        return new BackupFile(path, FileChannel.open(path, StandardOpenOption.WRITE, StandardOpenOption.APPEND));
    }

    public Path path() {
        return path;
    }

    /** Writes the state of one job before it is changed; {@link #sync()} before changing it. */
    public void before(String id, String queue, String action, String redis, JobSnapshot snapshot) {
        ObjectNode line = JSON.createObjectNode();
        line.put("type", "before");
        line.put("id", id);
        line.put("queue", queue);
        line.put("action", action);
        line.put("at", Instant.now().toString());
        line.put("redis", redis);
        ArrayNode own = line.putArray("own");
        for (JobSnapshot.OwnKey k : snapshot.ownKeys()) {
            ObjectNode o = own.addObject();
            o.put("key", k.key());
            if (k.dump() == null) {
                o.putNull("dump");
            } else {
                o.put("dump", Base64.getEncoder().encodeToString(k.dump()));
            }
            o.put("pttl", k.pttl());
        }
        ArrayNode memberships = line.putArray("memberships");
        for (JobSnapshot.Membership m : snapshot.memberships()) {
            ObjectNode o = memberships.addObject();
            o.put("structure", m.structure());
            o.put("key", m.key());
            o.put("member", m.member());
            o.put("present", m.present());
            o.put("score", m.score());
        }
        append(line);
    }

    /** Records what the change left: its outcome and the fingerprint of the job's own keys. */
    public void after(String id, String outcome, String fingerprint, List<String> ownKeys) {
        ObjectNode line = JSON.createObjectNode();
        line.put("type", "after");
        line.put("id", id);
        line.put("outcome", outcome);
        line.put("fingerprint", fingerprint);
        ArrayNode keys = line.putArray("own");
        ownKeys.forEach(keys::add);
        append(line);
    }

    private void append(ObjectNode line) {
        try {
            channel.write(ByteBuffer.wrap((JSON.writeValueAsString(line) + "\n").getBytes(StandardCharsets.UTF_8)));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the backup file " + path + ": " + e.getMessage(), e);
        }
    }

    /** Forces everything written so far to disk: called before the changes the lines protect are made. */
    public void sync() {
        try {
            channel.force(true);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot sync the backup file " + path + ": " + e.getMessage(), e);
        }
    }

    @Override
    public void close() throws IOException {
        channel.close();
    }

    /**
     * One job change read back: the state before, and what the change left.
     *
     * @param state       {@code done} (changed; {@code fingerprint} says what it left), {@code not-changed}
     *                    (the script found the facts changed and wrote nothing) or {@code unknown} (no after line:
     *                    the process stopped between the two lines)
     */
    public record Entry(int line, String id, String queue, String action, JobSnapshot before, String state,
                        String fingerprint, List<String> ownKeysAfter) {
    }

    /**
     * Reads every completed change, newest first (so restoring them in this order undoes later changes
     * before earlier ones). A {@code before} line without its {@code after} (the change was skipped, or the
     * process died in between) is returned with a null fingerprint.
     *
     * @throws IllegalArgumentException when a line is not a backup line
     */
    public static List<Entry> read(Path path) throws IOException {
        List<String> lines = Files.readAllLines(path, StandardCharsets.UTF_8);
        // A sweep writes a page's before lines, makes the changes, then writes their after lines: an after line
        // belongs to the latest before line of the same job that has none yet.
        List<JsonNode[]> changes = new ArrayList<>();
        List<Integer> lineOf = new ArrayList<>();
        java.util.Map<String, Integer> waiting = new java.util.HashMap<>();
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).isBlank()) {
                continue;
            }
            JsonNode node;
            try {
                node = JSON.readTree(lines.get(i));
            } catch (IOException e) {
                throw new IllegalArgumentException(path + " line " + (i + 1) + " is not JSON");
            }
            String type = node.path("type").asText();
            String id = node.path("id").asText();
            if ("before".equals(type)) {
                waiting.put(id, changes.size());
                changes.add(new JsonNode[] {node, null});
                lineOf.add(i + 1);
            } else if ("after".equals(type) && waiting.containsKey(id)) {
                changes.get(waiting.remove(id))[1] = node;
            } else {
                throw new IllegalArgumentException(path + " line " + (i + 1) + " is not an rq-sweeper backup line");
            }
        }
        List<Entry> entries = new ArrayList<>(changes.size());
        for (int i = 0; i < changes.size(); i++) {
            entries.add(entry(lineOf.get(i), changes.get(i)[0], changes.get(i)[1]));
        }
        java.util.Collections.reverse(entries);
        return entries;
    }

    private static Entry entry(int line, JsonNode before, JsonNode after) {
        List<JobSnapshot.OwnKey> own = new ArrayList<>();
        for (JsonNode o : before.path("own")) {
            own.add(new JobSnapshot.OwnKey(o.path("key").asText(),
                    o.path("dump").isNull() ? null : Base64.getDecoder().decode(o.path("dump").asText()), o.path("pttl").asLong()));
        }
        List<JobSnapshot.Membership> memberships = new ArrayList<>();
        for (JsonNode m : before.path("memberships")) {
            memberships.add(new JobSnapshot.Membership(m.path("structure").asText(), m.path("key").asText(),
                    m.path("member").asText(), m.path("present").asBoolean(), m.path("score").asText()));
        }
        List<String> ownAfter = new ArrayList<>();
        if (after != null) {
            after.path("own").forEach(k -> ownAfter.add(k.asText()));
        }
        String outcome = after == null ? null : after.path("outcome").asText();
        String state = after == null ? "unknown" : ("changed".equals(outcome) || "error".equals(outcome)) ? "not-changed" : "done";
        return new Entry(line, before.path("id").asText(), before.path("queue").asText(), before.path("action").asText(),
                new JobSnapshot(List.copyOf(own), List.copyOf(memberships)), state,
                after == null ? null : after.path("fingerprint").asText(), List.copyOf(ownAfter));
    }
}
