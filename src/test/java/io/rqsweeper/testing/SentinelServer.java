package io.rqsweeper.testing;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A throwaway Redis Sentinel on a free loopback port that monitors one master, with timings short enough for a
 * failover within seconds; stopped by PID.
 */
public final class SentinelServer implements AutoCloseable {
    private final int port;
    private final String password;
    private final Process process;

    private SentinelServer(int port, String password, Process process) {
        this.port = port;
        this.password = password;
        this.process = process;
    }

    /**
     * Monitors {@code master} as {@code masterName} (quorum 1: one sentinel may decide a failover).
     *
     * @param password the sentinel's own password, or null for none
     */
    public static SentinelServer monitor(RedisServer master, String masterName, String password) {
        int port = Processes.freePort();
        try {
            Path dir = Files.createTempDirectory("sentinel-test");
            List<String> conf = new ArrayList<>(List.of(
                    "port " + port, "bind 127.0.0.1", "daemonize no", "dir " + dir, "loglevel warning",
                    "sentinel monitor " + masterName + " 127.0.0.1 " + master.port() + " 1",
                    "sentinel down-after-milliseconds " + masterName + " 1000",
                    "sentinel failover-timeout " + masterName + " 5000",
                    "sentinel parallel-syncs " + masterName + " 1"));
            if (master.password() != null) {
                conf.add("sentinel auth-pass " + masterName + " " + master.password());
            }
            if (password != null) {
                conf.add("requirepass " + password);
            }
            // A sentinel rewrites its configuration file as it learns the topology: it must be its own and writable.
            Path file = dir.resolve("sentinel.conf");
            Files.write(file, conf);
            // redis-server --sentinel is redis-sentinel (the same program): no extra package to install.
            Process process = new ProcessBuilder("redis-server", file.toString(), "--sentinel").redirectErrorStream(true)
                    .redirectOutput(new File(dir.resolve("sentinel.log").toString())).start();
            Processes.awaitListening("redis-sentinel", port);
            return new SentinelServer(port, password, process);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start redis-server --sentinel (run scripts/install-test-deps.sh)", e);
        }
    }

    public int port() {
        return port;
    }

    /** {@code 127.0.0.1:<port>}, as --sentinel takes it. */
    public String address() {
        return "127.0.0.1:" + port;
    }

    /** Runs redis-cli against this sentinel and returns its raw output. */
    public String cli(String... args) {
        return Processes.redisCli(port, password, args);
    }

    /** The port of the master this sentinel names now. */
    public int masterPort(String masterName) {
        String[] reply = cli("SENTINEL", "GET-MASTER-ADDR-BY-NAME", masterName).split("\\s+");
        return reply.length < 2 ? -1 : Integer.parseInt(reply[1]);
    }

    /** How many replicas of the master this sentinel has found. */
    public int replicasKnown(String masterName) {
        return (int) cli("SENTINEL", "REPLICAS", masterName).lines().filter(l -> l.equals("ip")).count();
    }

    @Override
    public void close() {
        Processes.kill9(process.pid());
        Processes.waitFor(process);
    }
}
