package io.rqsweeper.redis;

import io.vertx.core.Vertx;
import io.vertx.core.net.NetClientOptions;
import io.vertx.core.net.PemKeyCertOptions;
import io.vertx.core.net.PemTrustOptions;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.ProtocolVersion;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisConnection;
import io.vertx.redis.client.RedisOptions;
import io.vertx.redis.client.Response;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/** Opens bounded-time connections to the Redis that holds RQ's state. */
@ApplicationScoped
public class RedisConnector {

    @Inject
    Vertx vertx;

    /**
     * Connects and authenticates, or fails within {@code timeout} (per sentinel asked, with Sentinel).
     *
     * @throws RedisUnavailableException when Redis cannot be reached or rejects the credentials
     */
    public RedisSession open(RedisTarget target, Duration timeout) {
        return target.sentinels() == null ? openDirect(target, timeout) : openMaster(target, timeout);
    }

    /**
     * Asks the sentinels in the order given where the master is, and connects to it. A sentinel that is down, does
     * not know the master, or names a master that does not answer (mid-failover) is passed over for the next. Every
     * sweep opens its own connection, so {@code serve} follows a failover at its next sweep.
     */
    private RedisSession openMaster(RedisTarget target, Duration timeout) {
        Sentinels sentinels = target.sentinels();
        List<String> problems = new ArrayList<>();
        Set<Sentinels.Address> masters = new HashSet<>();
        int refused = 0;
        for (Sentinels.Address address : sentinels.addresses()) {
            RedisTarget sentinel = target.sentinelAt(address);
            Response reply;
            try (RedisSession session = openDirect(sentinel, timeout)) {
                reply = session.send(Command.SENTINEL, "GET-MASTER-ADDR-BY-NAME", sentinels.masterName());
            } catch (RedisAuthenticationException e) {
                refused++;
                problems.add(address + ": " + sentinelPasswordProblem(sentinels));
                continue;
            } catch (RedisUnavailableException | RedisCommandException e) {
                problems.add(address + ": " + shortReason(e.getMessage(), sentinel));
                continue;
            }
            if (reply == null || reply.size() < 2) {
                problems.add(address + ": knows no master named '" + sentinels.masterName() + "'");
                continue;
            }
            Sentinels.Address master;
            try {
                master = new Sentinels.Address(reply.get(0).toString(), reply.get(1).toInteger());
            } catch (RuntimeException e) {
                problems.add(address + ": gave no usable master address");
                continue;
            }
            if (!masters.add(master)) {
                continue;
            }
            RedisTarget atMaster = target.atMaster(master.host(), master.port());
            try {
                return openDirect(atMaster, timeout);
            } catch (RedisAuthenticationException e) {
                throw e;
            } catch (RedisUnavailableException e) {
                problems.add(address + ": names master " + master + ", unreachable: " + shortReason(e.getMessage(), atMaster));
            }
        }
        if (refused > 0 && refused == problems.size()) {
            throw new RedisAuthenticationException("authentication failed at the sentinels of " + target.redacted()
                    + ": " + sentinelPasswordProblem(sentinels));
        }
        throw new RedisUnavailableException("Redis at " + target.redacted() + " is unavailable: "
                + String.join("; ", problems));
    }

    private static String sentinelPasswordProblem(Sentinels sentinels) {
        return (sentinels.password() == null ? "sentinel password needed" : "sentinel password rejected")
                + " (--sentinel-password-file or RQ_SWEEPER_SENTINEL_PASSWORD)";
    }

    /** "Connection refused: …" without the "Redis at … is unavailable" that the caller says better. */
    private static String shortReason(String message, RedisTarget target) {
        String prefix = "Redis at " + target.redacted() + " ";
        String reason = message.startsWith(prefix) ? message.substring(prefix.length()) : message;
        return reason.startsWith("is unavailable: ") ? reason.substring("is unavailable: ".length()) : reason;
    }

    private RedisSession openDirect(RedisTarget target, Duration timeout) {
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
