package io.rqsweeper.testing;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;

/** A throwaway redis-server on a free loopback port, stopped by PID. */
public final class RedisServer implements AutoCloseable {
    private final int port;
    private final String password;
    private final List<String> extraArgs;
    private Process process;
    /** The data directory, kept across restarts for a server that persists; null: a fresh one each start. */
    private String dir;

    private RedisServer(int port, String password, List<String> extraArgs) {
        this.port = port;
        this.password = password;
        this.extraArgs = extraArgs;
    }

    public static RedisServer start() {
        return start(null);
    }

    public static RedisServer start(String password) {
        RedisServer server = new RedisServer(Processes.freePort(), password, List.of());
        server.launch();
        return server;
    }

    /** A TLS-only server (no plain port) presenting {@code cert}; clients are not asked for certificates. */
    public static RedisServer startTls(java.nio.file.Path cert, java.nio.file.Path key) {
        int tlsPort = Processes.freePort();
        RedisServer server = new RedisServer(tlsPort, null, List.of("--port", "0", "--tls-port", Integer.toString(tlsPort),
                "--tls-cert-file", cert.toString(), "--tls-key-file", key.toString(), "--tls-auth-clients", "no"));
        server.launch();
        return server;
    }

    /**
     * A server that writes every change to its append-only file before answering (appendfsync always) and keeps
     * its directory across {@link #restart()}: killed and restarted, it has every change it acknowledged.
     */
    public static RedisServer startPersistent() {
        RedisServer server = new RedisServer(Processes.freePort(), null, List.of("--appendonly", "yes",
                "--appendfsync", "always", "--appenddirname", "aof"));
        server.dir = tempDir();
        server.launch();
        return server;
    }

    /** A server with these extra redis-server arguments (e.g. --replicaof, --maxmemory). */
    public static RedisServer startWith(String... args) {
        RedisServer server = new RedisServer(Processes.freePort(), null, List.of(args));
        server.launch();
        return server;
    }

    /** A replica of {@code master}, with the master's password (to replicate, and for clients). */
    public static RedisServer startReplicaOf(RedisServer master) {
        List<String> args = new ArrayList<>(List.of("--replicaof", "127.0.0.1", Integer.toString(master.port())));
        if (master.password != null) {
            args.addAll(List.of("--masterauth", master.password));
        }
        RedisServer server = new RedisServer(Processes.freePort(), master.password, args);
        server.launch();
        return server;
    }

    /** A server on a port chosen beforehand (e.g. one a command is already trying to reach). */
    public static RedisServer startOn(int port, String password) {
        RedisServer server = new RedisServer(port, password, List.of());
        server.launch();
        return server;
    }

    /** A TLS-only server presenting {@code cert} that admits only clients with a certificate signed by {@code clientCa}. */
    public static RedisServer startTlsWithClientCertificates(java.nio.file.Path cert, java.nio.file.Path key,
                                                             java.nio.file.Path clientCa) {
        int tlsPort = Processes.freePort();
        RedisServer server = new RedisServer(tlsPort, null, List.of("--port", "0", "--tls-port", Integer.toString(tlsPort),
                "--tls-cert-file", cert.toString(), "--tls-key-file", key.toString(),
                "--tls-ca-cert-file", clientCa.toString(), "--tls-auth-clients", "yes"));
        server.launch();
        return server;
    }

    private void launch() {
        List<String> cmd = new ArrayList<>(List.of("redis-server", "--port", Integer.toString(port), "--bind", "127.0.0.1",
                "--save", "", "--daemonize", "no", "--loglevel", "warning",
                // Its own empty directory: a dump.rdb lying in the working directory must not be loaded.
                "--dir", dir != null ? dir : tempDir()));
        if (password != null) {
            cmd.addAll(List.of("--requirepass", password));
        }
        if (!extraArgs.contains("--appendonly")) {
            cmd.addAll(List.of("--appendonly", "no"));
        }
        cmd.addAll(extraArgs);
        try {
            process = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(new File("/dev/null")).start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start redis-server (run scripts/install-test-deps.sh)", e);
        }
        Processes.awaitListening("redis-server", port);
    }

    private static String tempDir() {
        try {
            return java.nio.file.Files.createTempDirectory("redis-test").toString();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public int port() {
        return port;
    }

    /** The password clients must give, or null. */
    public String password() {
        return password;
    }

    public String url() {
        return "redis://127.0.0.1:" + port + "/0";
    }

    /** Runs redis-cli against this server and returns its raw output. */
    public String cli(String... args) {
        return Processes.redisCli(port, password, args);
    }

    public void flushAll() {
        cli("FLUSHALL");
    }

    public boolean isRunning() {
        return process != null && process.isAlive();
    }

    /** Starts it again on the same port, empty (it keeps no data), as Redis coming back after an outage. */
    public void restart() {
        stop();
        launch();
    }

    public void stop() {
        if (process != null) {
            Processes.kill9(process.pid());
            Processes.waitFor(process);
        }
    }

    @Override
    public void close() {
        stop();
    }
}
