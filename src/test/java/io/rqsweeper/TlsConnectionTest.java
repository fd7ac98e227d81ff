package io.rqsweeper;

import io.quarkus.test.junit.main.LaunchResult;
import io.quarkus.test.junit.main.QuarkusMainLauncher;
import io.quarkus.test.junit.main.QuarkusMainTest;
import io.rqsweeper.testing.Processes;
import io.rqsweeper.testing.RedisServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static io.rqsweeper.SweepCommandTest.evidence;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** rediss:// against a TLS-only redis-server with a private CA: trusted only when told, host name checked. */
@QuarkusMainTest
class TlsConnectionTest {
    static Path dir;
    static RedisServer redis;
    /** Asks every client for a certificate signed by the test CA. */
    static RedisServer mutual;

    @BeforeAll
    static void startTlsRedis() throws Exception {
        dir = Files.createTempDirectory("rq-sweeper-tls");
        openssl("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", "/CN=test-ca",
                "-keyout", "ca.key", "-out", "ca.pem");
        openssl("req", "-newkey", "rsa:2048", "-nodes", "-subj", "/CN=localhost", "-keyout", "server.key", "-out", "server.csr");
        Files.writeString(dir.resolve("san.ext"), "subjectAltName=DNS:localhost\n");
        openssl("x509", "-req", "-in", "server.csr", "-CA", "ca.pem", "-CAkey", "ca.key", "-CAcreateserial", "-days", "2",
                "-extfile", "san.ext", "-out", "server.pem");
        redis = RedisServer.startTls(dir.resolve("server.pem"), dir.resolve("server.key"));
        // A client certificate signed by the same CA, and one signed by a CA the server does not know.
        openssl("req", "-newkey", "rsa:2048", "-nodes", "-subj", "/CN=rq-sweeper", "-keyout", "client.key", "-out", "client.csr");
        openssl("x509", "-req", "-in", "client.csr", "-CA", "ca.pem", "-CAkey", "ca.key", "-CAcreateserial", "-days", "2",
                "-out", "client.pem");
        openssl("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", "/CN=stranger",
                "-keyout", "stranger.key", "-out", "stranger.pem");
        mutual = RedisServer.startTlsWithClientCertificates(dir.resolve("server.pem"), dir.resolve("server.key"),
                dir.resolve("ca.pem"));
    }

    @AfterAll
    static void stop() {
        redis.close();
        mutual.close();
    }

    @Test
    void clientCertificateIsPresentedWhenTheServerAsksForOne(QuarkusMainLauncher launcher) {
        String url = "rediss://localhost:" + mutual.port() + "/0";
        String ca = dir.resolve("ca.pem").toString();
        LaunchResult ok = launcher.launch("sweep", "--redis-url", url, "--tls-ca", ca, "--strict",
                "--tls-cert", dir.resolve("client.pem").toString(), "--tls-key", dir.resolve("client.key").toString());
        assertEquals(0, ok.exitCode(), evidence(ok));
        assertTrue(ok.getOutput().contains("No stuck jobs"), evidence(ok));

        LaunchResult none = launcher.launch("sweep", "--redis-url", url, "--tls-ca", ca, "--strict", "--timeout", "3s");
        assertEquals(1, none.exitCode(), evidence(none));
        assertTrue(none.getErrorOutput().contains("unavailable"), evidence(none));

        LaunchResult stranger = launcher.launch("sweep", "--redis-url", url, "--tls-ca", ca, "--timeout", "3s", "-o", "json",
                "--tls-cert", dir.resolve("stranger.pem").toString(), "--tls-key", dir.resolve("stranger.key").toString());
        assertEquals(0, stranger.exitCode(), evidence(stranger));
        assertTrue(stranger.getOutput().contains("\"redis\":\"unavailable\""), evidence(stranger));
        assertTrue(stranger.getErrorOutput().contains("unknown_ca"), evidence(stranger));
        // (No check for stack traces here: when the server drops the handshake, the Redis client trips one of its own
        // assert statements, which only the tests' -ea turns on; Quarkus logs that as an uncaught Vert.x exception.)
    }

    @Test
    void aCertificateFileThatIsNotPemIsAClearError(QuarkusMainLauncher launcher) throws Exception {
        Files.writeString(dir.resolve("garbage.pem"), "not a certificate\n");
        LaunchResult r = launcher.launch("sweep", "--redis-url", "rediss://localhost:" + mutual.port() + "/0",
                "--tls-ca", dir.resolve("ca.pem").toString(), "--timeout", "3s",
                "--tls-cert", dir.resolve("garbage.pem").toString(), "--tls-key", dir.resolve("client.key").toString());
        assertEquals(2, r.exitCode(), evidence(r));
        assertTrue(r.getErrorOutput().contains("--tls-cert"), evidence(r));
        assertFalse(r.getErrorOutput().contains("\tat "), evidence(r));
    }

    static void openssl(String... args) {
        List<String> cmd = new java.util.ArrayList<>(List.of("sh", "-c", "cd '" + dir + "' && openssl \"$@\"", "openssl"));
        cmd.addAll(List.of(args));
        Processes.run(cmd, Map.of());
    }

    @Test
    void trustedCaAndMatchingHostConnect(QuarkusMainLauncher launcher) {
        LaunchResult r = launcher.launch("sweep", "--redis-url", "rediss://localhost:" + redis.port() + "/0",
                "--tls-ca", dir.resolve("ca.pem").toString(), "--strict");
        assertEquals(0, r.exitCode(), evidence(r));
        assertTrue(r.getOutput().contains("No stuck jobs"), evidence(r));
    }

    @Test
    void untrustedCertificateIsRefused(QuarkusMainLauncher launcher) {
        LaunchResult r = launcher.launch("sweep", "--redis-url", "rediss://localhost:" + redis.port() + "/0", "--strict",
                "--timeout", "3s");
        assertEquals(1, r.exitCode(), evidence(r));
        assertTrue(r.getErrorOutput().contains("unavailable"), evidence(r));
    }

    @Test
    void certificateForAnotherHostIsRefused(QuarkusMainLauncher launcher) {
        LaunchResult r = launcher.launch("sweep", "--redis-url", "rediss://127.0.0.1:" + redis.port() + "/0",
                "--tls-ca", dir.resolve("ca.pem").toString(), "--strict", "--timeout", "3s");
        assertEquals(1, r.exitCode(), evidence(r));
    }

    @Test
    void missingCaFileIsAUsageError(QuarkusMainLauncher launcher) {
        LaunchResult r = launcher.launch("sweep", "--redis-url", "rediss://localhost:" + redis.port() + "/0",
                "--tls-ca", dir.resolve("nope.pem").toString());
        assertEquals(2, r.exitCode(), evidence(r));
        assertTrue(r.getErrorOutput().contains("cannot read the TLS CA file"), evidence(r));
    }
}
