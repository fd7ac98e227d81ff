package io.rqsweeper.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Small process helpers for the test fixtures. */
public final class Processes {
    private Processes() {
    }

    public static int freePort() {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Runs a command to completion and returns its stdout; fails with the whole evidence otherwise. */
    public static String run(List<String> command, java.util.Map<String, String> env) {
        try {
            ProcessBuilder pb = new ProcessBuilder(command);
            pb.environment().putAll(env);
            Process p = pb.start();
            byte[] out = p.getInputStream().readAllBytes();
            byte[] err = p.getErrorStream().readAllBytes();
            if (!p.waitFor(120, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new AssertionError("timed out: " + command);
            }
            if (p.exitValue() != 0) {
                throw new AssertionError("command failed (" + p.exitValue() + "): " + command + "\nstdout: "
                        + new String(out, StandardCharsets.UTF_8) + "\nstderr: " + new String(err, StandardCharsets.UTF_8));
            }
            return new String(out, StandardCharsets.UTF_8).trim();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    /** Waits until something accepts connections on the loopback port. */
    public static void awaitListening(String what, int port) {
        await(what + " on port " + port, 10_000, () -> {
            try (java.net.Socket s = new java.net.Socket("127.0.0.1", port)) {
                return true;
            } catch (IOException e) {
                return false;
            }
        });
    }

    /** Runs redis-cli against the loopback port (with the password, if any) and returns its raw output. */
    public static String redisCli(int port, String password, String... args) {
        List<String> cmd = new java.util.ArrayList<>(List.of("redis-cli", "-p", Integer.toString(port), "--no-auth-warning"));
        if (password != null) {
            cmd.addAll(List.of("-a", password));
        }
        cmd.addAll(List.of(args));
        return run(cmd, java.util.Map.of());
    }

    /** SIGKILL by PID. */
    public static void kill9(long pid) {
        ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
    }

    /** Waits for a process to end (after a kill), keeping the interrupt flag if interrupted. */
    public static void waitFor(Process process) {
        try {
            process.waitFor();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Polls until the condition holds, or fails after the timeout with the message. */
    public static void await(String what, long timeoutMillis, java.util.function.BooleanSupplier condition) {
        long deadline = System.currentTimeMillis() + timeoutMillis;
        while (!condition.getAsBoolean()) {
            if (System.currentTimeMillis() > deadline) {
                throw new AssertionError("timed out waiting for " + what);
            }
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        }
    }
}
