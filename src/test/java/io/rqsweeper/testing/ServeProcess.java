package io.rqsweeper.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.HttpURLConnection;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A real {@code rq-sweeper serve} process of the packaged application ({@link PackagedApplication}: the jar, or the
 * native executable after {@code -Dnative}), on a free port, its output in a file; stopped by PID.
 */
public final class ServeProcess implements AutoCloseable {
    private final Process process;
    private final int port;
    private final Path log;

    private ServeProcess(Process process, int port, Path log) {
        this.process = process;
        this.port = port;
        this.log = log;
    }

    /** Starts {@code serve} with these environment variables (and no inherited RQ_* or QUARKUS_* ones). */
    public static ServeProcess start(Map<String, String> env, String... args) {
        int port = Processes.freePort();
        try {
            Path log = Files.createTempFile("rq-sweeper-serve", ".log");
            List<String> cmd = new ArrayList<>(PackagedApplication.command());
            cmd.add("serve");
            cmd.addAll(List.of(args));
            ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile());
            pb.environment().keySet().removeIf(k -> k.startsWith("RQ_") || k.startsWith("QUARKUS_"));
            pb.environment().put("QUARKUS_HTTP_PORT", Integer.toString(port));
            pb.environment().putAll(env);
            ServeProcess serve = new ServeProcess(pb.start(), port, log);
            Processes.await("serve to start on port " + port + "\n" + serve.log(), 30_000,
                    () -> !serve.isAlive() || serve.status("/q/health/started") == 200);
            if (!serve.isAlive()) {
                throw new AssertionError("serve exited at start-up: " + serve.process.exitValue() + "\n" + serve.log());
            }
            return serve;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public int port() {
        return port;
    }

    public String baseUri() {
        return "http://127.0.0.1:" + port;
    }

    public long pid() {
        return process.pid();
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    /** The HTTP status of a GET, or -1 when nothing answers. */
    public int status(String path) {
        return status(port, path);
    }

    /** The HTTP status of a GET to 127.0.0.1:{@code port}, or -1 when nothing answers. */
    public static int status(int port, String path) {
        try {
            HttpURLConnection c = (HttpURLConnection) URI.create("http://127.0.0.1:" + port + path).toURL().openConnection();
            c.setConnectTimeout(1000);
            c.setReadTimeout(5000);
            try {
                return c.getResponseCode();
            } finally {
                c.disconnect();
            }
        } catch (IOException e) {
            return -1;
        }
    }

    /** Everything it wrote so far (stdout and stderr). */
    public String log() {
        try {
            return Files.readString(log);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** SIGTERM, as Kubernetes stops a pod. */
    public void sigterm() {
        Processes.run(List.of("kill", "-TERM", Long.toString(process.pid())), Map.of());
    }

    /** Waits for the process to end; returns its exit code, or null when it still runs after the timeout. */
    public Integer waitFor(long millis) {
        try {
            return process.waitFor(millis, TimeUnit.MILLISECONDS) ? process.exitValue() : null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }

    @Override
    public void close() {
        if (process.isAlive()) {
            Processes.kill9(process.pid());
            Processes.waitFor(process);
        }
    }
}
