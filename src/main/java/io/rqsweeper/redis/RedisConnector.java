package io.rqsweeper.redis;

import io.vertx.core.Vertx;
import io.vertx.core.net.NetClientOptions;
import io.vertx.core.net.PemKeyCertOptions;
import io.vertx.core.net.PemTrustOptions;
import io.vertx.redis.client.ProtocolVersion;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisConnection;
import io.vertx.redis.client.RedisOptions;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.time.Duration;

/** Opens bounded-time connections to the Redis that holds RQ's state. */
@ApplicationScoped
public class RedisConnector {

    @Inject
    Vertx vertx;

    /**
     * Connects and authenticates, or fails within {@code timeout}.
     *
     * @throws RedisUnavailableException when Redis cannot be reached or rejects the credentials
     */
    public RedisSession open(RedisTarget target, Duration timeout) {
        NetClientOptions net = new NetClientOptions()
                .setConnectTimeout((int) Math.min(Integer.MAX_VALUE, timeout.toMillis()))
                .setTcpKeepAlive(true);
        if (target.tls()) {
            // Verify that the certificate names the host we asked for, not just that some CA signed it.
            net.setSsl(true).setHostnameVerificationAlgorithm("HTTPS");
            if (target.tlsCa() != null) {
                net.setTrustOptions(new PemTrustOptions().addCertPath(target.tlsCa().toString()));
            }
            if (target.tlsCert() != null) {
                net.setKeyCertOptions(new PemKeyCertOptions().setCertPath(target.tlsCert().toString())
                        .setKeyPath(target.tlsKey().toString()));
            }
        }
        RedisOptions options = new RedisOptions()
                .setConnectionString(target.connectionString())
                .setNetClientOptions(net)
                // RESP2: every Redis and Redis-compatible server speaks it, and replies stay plain arrays.
                .setPreferredProtocolVersion(ProtocolVersion.RESP2)
                .setMaxPoolSize(1)
                .setMaxPoolWaiting(16)
                // Pages of pipelined commands wait for their replies together.
                .setMaxWaitingHandlers(16_384);
        Redis client = Redis.createClient(vertx, options);
        try {
            RedisConnection connection = RedisSession.await(client.connect(), target, timeout, "a connection");
            return new RedisSession(client, connection, target, timeout);
        } catch (RuntimeException e) {
            client.close();
            if (e instanceof RedisCommandException && RedisSession.isAuthenticationError(e.getMessage())) {
                throw RedisSession.authenticationFailed(target, e.getMessage());
            }
            if (e instanceof RedisCommandException) {
                // An error during the handshake (AUTH, SELECT) means we cannot work with this server.
                throw new RedisUnavailableException("Redis at " + target.redacted() + " refused the connection: "
                        + e.getMessage());
            }
            throw e;
        }
    }

    /**
     * Retries connecting until Redis answers a PING or {@code wait} has passed. Returns null when it answered,
     * else what was wrong the last time. A rejected password is returned at once: waiting will not fix it.
     */
    public String waitUntilAnswering(RedisTarget target, Duration timeout, Duration wait) {
        long deadline = System.nanoTime() + wait.toNanos();
        while (true) {
            String problem;
            try (RedisSession session = open(target, timeout)) {
                session.send(io.vertx.redis.client.Command.PING);
                return null;
            } catch (RedisAuthenticationException e) {
                return e.getMessage();
            } catch (RedisUnavailableException e) {
                problem = e.getMessage();
            } catch (RedisCommandException e) {
                if (!e.getMessage().startsWith("LOADING")) {
                    // It answers; what it answered is the sweep's business (e.g. a user without PING).
                    return null;
                }
                problem = "Redis at " + target.redacted() + " is loading its data";
            }
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                return problem;
            }
            try {
                Thread.sleep(Math.min(500, Math.max(1, left / 1_000_000)));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return problem;
            }
        }
    }
}
