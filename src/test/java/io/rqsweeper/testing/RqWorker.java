package io.rqsweeper.testing;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** A real `rq worker` process; SIGKILLed (with its work horse) or stopped by PID. */
public final class RqWorker implements AutoCloseable {
    private final Process process;
    private final String name;
    private final Path log;

    private RqWorker(Process process, String name, Path log) {
        this.process = process;
        this.name = name;
        this.log = log;
    }

    public static RqWorker start(RqInstall rq, String redisUrl, String name, String queue, String... extraArgs) {
        List<String> cmd = new ArrayList<>(List.of(rq.rq().toString(), "worker", "-u", redisUrl, "--name", name));
        cmd.addAll(List.of(extraArgs));
        cmd.add(queue);
        try {
            Path log = Files.createTempFile("rq-worker-" + name, ".log");
            ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile());
            pb.environment().putAll(rq.env());
            return new RqWorker(pb.start(), name, log);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public String name() {
        return name;
    }

    public long pid() {
        return process.pid();
    }

    /** The forked work horse, while one runs. */
    public Optional<ProcessHandle> horse() {
        return process.toHandle().children().findFirst();
    }

    /** SIGKILL of the main process and its work horse: the way a deploy or the OOM killer ends a worker. */
    public void killWithHorse() {
        List<ProcessHandle> all = new ArrayList<>(process.toHandle().descendants().toList());
        Processes.kill9(process.pid());
        all.forEach(h -> Processes.kill9(h.pid()));
        waitFor();
    }

    /** SIGKILL of the main process only: the horse lives on as an orphan. */
    public ProcessHandle killMainOnly() {
        ProcessHandle horse = horse().orElseThrow(() -> new AssertionError("no work horse running"));
        Processes.kill9(process.pid());
        waitFor();
        return horse;
    }

    /**
     * Cold shutdown, as a deploy's SIGTERM-then-SIGTERM does: the worker kills its horse and exits cleanly
     * (marked dead), leaving the job 'started'. RQ 2.x ignores a second signal within a second of the first.
     */
    public void coldShutdown() {
        signal("TERM");
        try {
            Thread.sleep(1500);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        signal("TERM");
        waitFor();
    }

    private void signal(String name) {
        Processes.run(List.of("kill", "-" + name, Long.toString(process.pid())), java.util.Map.of());
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    public String log() {
        try {
            return Files.readString(log);
        } catch (IOException e) {
            return "(no log: " + e.getMessage() + ")";
        }
    }

    public void waitFor() {
        Processes.waitFor(process);
    }

    @Override
    public void close() {
        process.toHandle().descendants().forEach(h -> Processes.kill9(h.pid()));
        Processes.kill9(process.pid());
        waitFor();
        new File(log.toString()).delete();
    }
}
