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
import static org.junit.jupiter.api.Assertions.assertTrue;

/** rediss:// against a TLS-only redis-server with a private CA: trusted only when told, host name checked. */
@QuarkusMainTest
class TlsConnectionTest {
    static Path dir;
    static RedisServer redis;

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
    }

    @AfterAll
    static void stop() {
        redis.close();
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
