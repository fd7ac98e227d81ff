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

    /** The database of a sentinel, which has none: no SELECT is sent. */
    private static final int NO_DATABASE = -1;

    private final boolean tls;
    private final String host;
    private final int port;
    private final int database;
    private final String user;
    private final String password;
    private final Path tlsCa;
    private final Path tlsCert;
    private final Path tlsKey;
    /** Where to ask for the master's address; null for a direct connection to host:port. */
    private final Sentinels sentinels;

    private RedisTarget(boolean tls, String host, int port, int database, String user, String password, Path tlsCa,
                        Path tlsCert, Path tlsKey, Sentinels sentinels) {
        this.tls = tls;
        this.host = host;
        this.port = port;
        this.database = database;
        this.user = user;
        this.password = password;
        this.tlsCa = tlsCa;
        this.tlsCert = tlsCert;
        this.tlsKey = tlsKey;
        this.sentinels = sentinels;
    }

    /** The same target, trusting the PEM certificate(s) in {@code caFile} for {@code rediss://}. */
    public RedisTarget withTlsCa(Path caFile) {
        if (caFile != null && (!Files.isReadable(caFile) || Files.isDirectory(caFile))) {
            throw new IllegalArgumentException("cannot read the TLS CA file " + caFile);
        }
        if (caFile != null && !pemHolds(caFile, "CERTIFICATE")) {
            throw new IllegalArgumentException(caFile + " holds no PEM certificate (-----BEGIN CERTIFICATE-----)");
        }
        return new RedisTarget(tls, host, port, database, user, password, caFile, tlsCert, tlsKey, sentinels);
    }

    /**
     * The same target, presenting the client certificate {@code certFile} (PEM) with its private key
     * {@code keyFile} (PEM) to a Redis that asks for one ({@code tls-auth-clients}). Both or neither.
     */
    public RedisTarget withClientCertificate(Path certFile, Path keyFile) {
        if (certFile == null && keyFile == null) {
            return this;
        }
        if (certFile == null || keyFile == null) {
            throw new IllegalArgumentException(certFile == null ? "--tls-key needs --tls-cert" : "--tls-cert needs --tls-key");
        }
        if (!Files.isReadable(certFile) || Files.isDirectory(certFile)) {
            throw new IllegalArgumentException("--tls-cert: cannot read the certificate file " + certFile);
        }
        if (!Files.isReadable(keyFile) || Files.isDirectory(keyFile)) {
            throw new IllegalArgumentException("--tls-key: cannot read the key file " + keyFile);
        }
        if (!pemHolds(certFile, "CERTIFICATE")) {
            throw new IllegalArgumentException("--tls-cert: " + certFile + " holds no PEM certificate (-----BEGIN CERTIFICATE-----)");
        }
        if (!pemHolds(keyFile, "PRIVATE KEY")) {
            throw new IllegalArgumentException("--tls-key: " + keyFile + " holds no unencrypted PEM private key "
                    + "(-----BEGIN PRIVATE KEY----- or -----BEGIN RSA PRIVATE KEY-----)");
        }
        if (!tls) {
            throw new IllegalArgumentException("--tls-cert and --tls-key need a rediss:// URL");
        }
        return new RedisTarget(tls, host, port, database, user, password, tlsCa, certFile, keyFile, sentinels);
    }

    /** Whether the file has a PEM block of this kind (e.g. "CERTIFICATE", "PRIVATE KEY"); encrypted keys do not count. */
    private static boolean pemHolds(Path file, String kind) {
        try {
            String text = Files.readString(file, java.nio.charset.StandardCharsets.ISO_8859_1);
            return text.matches("(?s).*-----BEGIN ([A-Z]+ )?" + kind + "-----.*") && !text.contains("ENCRYPTED");
        } catch (java.io.IOException | RuntimeException e) {
            return false;
        }
    }

    /** PEM client certificate to present, or null. */
    public Path tlsCert() {
        return tlsCert;
    }

    /** PEM private key of {@link #tlsCert()}, or null. */
    public Path tlsKey() {
        return tlsKey;
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
        if (cliUrl != null && cliUrl.isBlank()) {
            throw new IllegalArgumentException("--redis-url is empty: expected redis://[user:password@]host:port/db");
        }
        String source = cliUrl != null ? "--redis-url"
                : !isBlank(env.get(ENV_URL)) ? ENV_URL
                : !isBlank(env.get(ENV_RQ_URL)) ? ENV_RQ_URL : null;
        String url = firstNonBlank(cliUrl, env.get(ENV_URL), env.get(ENV_RQ_URL), DEFAULT_URL);
        RedisTarget parsed;
        try {
            parsed = parse(url);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(source == null ? e.getMessage() : source + ": " + e.getMessage());
        }
        String password = env.get(ENV_PASSWORD);
        if (password != null && !password.isEmpty()) {
            parsed = parsed.withPassword(password);
        }
        return parsed;
    }

    /** The same target with this password (from a file or the environment), the URL's user kept. */
    public RedisTarget withPassword(String newPassword) {
        return new RedisTarget(tls, host, port, database, user, newPassword, tlsCa, tlsCert, tlsKey, sentinels);
    }

    /**
     * The same target reached through Redis Sentinel: the master's address comes from {@code sentinels}; this URL's
     * host and port are not used, its user, password, database and TLS settings are.
     */
    public RedisTarget withSentinels(Sentinels newSentinels) {
        return new RedisTarget(tls, host, port, database, user, password, tlsCa, tlsCert, tlsKey, newSentinels);
    }

    /** The sentinels to ask for the master, or null for a direct connection. */
    public Sentinels sentinels() {
        return sentinels;
    }

    /** The master a sentinel named, connected to directly, with this target's credentials, database and TLS. */
    public RedisTarget atMaster(String masterHost, int masterPort) {
        return new RedisTarget(tls, masterHost, masterPort, database, user, password, tlsCa, tlsCert, tlsKey, null);
    }

    /**
     * One sentinel of this target: its address, its own password, this target's TLS settings, and no database (a
     * sentinel has none and refuses SELECT).
     */
    public RedisTarget sentinelAt(Sentinels.Address address) {
        return new RedisTarget(tls, address.host(), address.port(), NO_DATABASE, null, sentinels.password(), tlsCa,
                tlsCert, tlsKey, null);
    }

    /** Whether this is one sentinel to ask, not a Redis that holds data. */
    public boolean isSentinel() {
        return database == NO_DATABASE;
    }

    private static boolean isBlank(String s) {
        return s == null || s.isBlank();
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
        if ((host == null || host.isEmpty()) && uri.getRawAuthority() != null
                && uri.getRawAuthority().matches("(.*@)?[^@:\\[\\]]+:[^@:]*")) {
            throw new IllegalArgumentException("invalid Redis URL '" + shown + "': the port must be a number from 1 to 65535");
        }
        if (host == null || host.isEmpty()) {
            throw new IllegalArgumentException("invalid Redis URL '" + shown + "': no host");
        }
        int port = uri.getPort() == -1 ? 6379 : uri.getPort();
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("invalid Redis URL '" + shown + "': the port must be a number from 1 to 65535");
        }
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
        return new RedisTarget(scheme.equals("rediss"), host, port, db, user, password, null, null, null, null);
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
        sb.append(host.contains(":") ? "[" + host + "]" : host).append(':').append(port);
        if (!isSentinel()) {
            sb.append('/').append(database);
        }
        return sb.toString();
    }

    /** e.g. {@code redis://app:***@redis:6379/0}, or {@code master 'mymaster' via sentinels h1:26379,h2:26379 (db 0)}. */
    public String redacted() {
        if (sentinels != null) {
            return sentinels + " (db " + database + (user == null ? "" : ", user " + user) + (tls ? ", TLS" : "") + ")";
        }
        if (isSentinel()) {
            return "sentinel " + new Sentinels.Address(host, port);
        }
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
        if (text == null) {
            return null;
        }
        if (sentinels != null && sentinels.password() != null && !sentinels.password().isEmpty()) {
            text = text.replace(sentinels.password(), "***").replace(encode(sentinels.password()), "***");
        }
        if (!hasPassword()) {
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
