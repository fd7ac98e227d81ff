package io.rqsweeper.redis;

import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * Where and how to reach Redis, parsed from a {@code redis://[user:password@]host:port/db} or
 * {@code rediss://} URL. The password is kept out of {@link #toString()} and {@link #redacted()}.
 */
public final class RedisTarget {
    public static final String DEFAULT_URL = "redis://localhost:6379/0";
    public static final String ENV_URL = "RQ_SWEEPER_REDIS_URL";
    public static final String ENV_RQ_URL = "RQ_REDIS_URL";
    public static final String ENV_PASSWORD = "RQ_SWEEPER_REDIS_PASSWORD";

    private final boolean tls;
    private final String host;
    private final int port;
    private final int database;
    private final String user;
    private final String password;
    private final Path tlsCa;

    private RedisTarget(boolean tls, String host, int port, int database, String user, String password, Path tlsCa) {
        this.tls = tls;
        this.host = host;
        this.port = port;
        this.database = database;
        this.user = user;
        this.password = password;
        this.tlsCa = tlsCa;
    }

    /** The same target, trusting the PEM certificate(s) in {@code caFile} for {@code rediss://}. */
    public RedisTarget withTlsCa(Path caFile) {
        if (caFile != null && !Files.isReadable(caFile)) {
            throw new IllegalArgumentException("cannot read the TLS CA file " + caFile);
        }
        return new RedisTarget(tls, host, port, database, user, password, caFile);
    }

    public boolean tls() {
        return tls;
    }

    /** PEM file of the CA(s) to trust for TLS, or null for the JVM's default trust store. */
    public Path tlsCa() {
        return tlsCa;
    }

    /**
     * The URL from the command line, else {@code RQ_SWEEPER_REDIS_URL}, else RQ's own {@code RQ_REDIS_URL},
     * else {@value #DEFAULT_URL}; a non-empty {@code RQ_SWEEPER_REDIS_PASSWORD} replaces the URL's password.
     *
     * @throws IllegalArgumentException with a message fit for the user (never containing the password)
     */
    public static RedisTarget resolve(String cliUrl, Map<String, String> env) {
        String url = firstNonBlank(cliUrl, env.get(ENV_URL), env.get(ENV_RQ_URL), DEFAULT_URL);
        RedisTarget parsed = parse(url);
        String password = env.get(ENV_PASSWORD);
        if (password != null && !password.isEmpty()) {
            parsed = new RedisTarget(parsed.tls, parsed.host, parsed.port, parsed.database, parsed.user, password, null);
        }
        return parsed;
    }

    /** Parses one URL; the error message shows the URL with its password masked. */
    public static RedisTarget parse(String url) {
        String shown = mask(url);
        URI uri;
        try {
            uri = new URI(url.trim());
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("invalid Redis URL '" + shown + "': expected redis://[user:password@]host:port/db");
        }
        String scheme = uri.getScheme();
        if (scheme == null || !(scheme.equals("redis") || scheme.equals("rediss"))) {
            throw new IllegalArgumentException("invalid Redis URL '" + shown + "': the scheme must be redis:// or rediss://");
        }
        String host = uri.getHost();
        if (host == null || host.isEmpty()) {
            throw new IllegalArgumentException("invalid Redis URL '" + shown + "': no host");
        }
        int port = uri.getPort() == -1 ? 6379 : uri.getPort();
        int db = 0;
        String path = uri.getRawPath();
        if (path != null && path.length() > 1) {
            try {
                db = Integer.parseInt(path.substring(1));
            } catch (NumberFormatException e) {
                db = -1;
            }
            if (db < 0) {
                throw new IllegalArgumentException("invalid Redis URL '" + shown + "': the database must be a number, as in /0");
            }
        }
        String user = null;
        String password = null;
        String userInfo = uri.getRawUserInfo();
        if (userInfo != null && !userInfo.isEmpty()) {
            int colon = userInfo.indexOf(':');
            String rawUser = colon < 0 ? userInfo : userInfo.substring(0, colon);
            user = rawUser.isEmpty() ? null : decode(rawUser);
            password = colon < 0 ? null : decode(userInfo.substring(colon + 1));
            if (colon < 0) {
                // redis://secret@host is how redis-py reads a bare password; so do we.
                password = user;
                user = null;
            }
        }
        return new RedisTarget(scheme.equals("rediss"), host, port, db, user, password, null);
    }

    /** The URL with any password replaced by {@code ***}, for messages. */
    public static String mask(String url) {
        return url == null ? "" : url.replaceAll("(?<=://)([^/@:]*):[^@/]*@", "$1:***@")
                .replaceAll("(?<=://)([^/@:]+)@", "***@");
    }

    /** Connection string for the client. Contains the password: never log it. */
    public String connectionString() {
        StringBuilder sb = new StringBuilder(tls ? "rediss://" : "redis://");
        if (password != null) {
            if (user != null) {
                sb.append(encode(user));
            }
            sb.append(':').append(encode(password)).append('@');
        }
        sb.append(host.contains(":") ? "[" + host + "]" : host).append(':').append(port).append('/').append(database);
        return sb.toString();
    }

    /** e.g. {@code redis://app:***@redis:6379/0}. */
    public String redacted() {
        StringBuilder sb = new StringBuilder(tls ? "rediss://" : "redis://");
        if (user != null || password != null) {
            sb.append(user == null ? "" : user).append(password == null ? "" : ":***").append('@');
        }
        return sb.append(host).append(':').append(port).append('/').append(database).toString();
    }

    public boolean hasPassword() {
        return password != null && !password.isEmpty();
    }

    /** Removes the password from a text that may echo it (some driver errors do). */
    public String scrub(String text) {
        if (text == null || !hasPassword()) {
            return text;
        }
        return text.replace(password, "***").replace(encode(password), "***");
    }

    @Override
    public String toString() {
        return redacted();
    }

    private static String firstNonBlank(String... values) {
        for (String v : values) {
            if (v != null && !v.isBlank()) {
                return v;
            }
        }
        return null;
    }

    private static String decode(String s) {
        return URLDecoder.decode(s.replace("+", "%2B"), StandardCharsets.UTF_8);
    }

    private static String encode(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
    }
}
