package io.rqsweeper.redis;

import java.util.ArrayList;
import java.util.List;

/**
 * The Redis Sentinels to ask where the master named {@code masterName} is, tried in the order given. The master's
 * user, password, database and TLS come from the Redis URL as for a direct connection; sentinels often have no
 * password or a different one, so theirs is separate ({@code password}, null for none), as in redis-py and RQ's own
 * {@code SENTINEL_KWARGS}.
 */
public record Sentinels(List<Address> addresses, String masterName, String password) {
    public static final int DEFAULT_PORT = 26379;

    /** host and port of one sentinel. */
    public record Address(String host, int port) {
        @Override
        public String toString() {
            return (host.contains(":") ? "[" + host + "]" : host) + ":" + port;
        }
    }

    public Sentinels {
        addresses = List.copyOf(addresses);
    }

    /**
     * Parses {@code host:port} items (the port defaults to {@value #DEFAULT_PORT}; IPv6 as {@code [::1]:26379}).
     *
     * @throws IllegalArgumentException naming the item that is wrong, for a message behind the option's name
     */
    public static List<Address> parseAddresses(List<String> items) {
        List<Address> addresses = new ArrayList<>();
        for (String raw : items) {
            String item = raw.trim();
            if (item.isEmpty()) {
                continue;
            }
            if (item.contains("/") || item.contains("@")) {
                throw new IllegalArgumentException("'" + item + "' is not host:port (a sentinel's address, not a URL)");
            }
            String host;
            String port = null;
            if (item.startsWith("[")) {
                int close = item.indexOf(']');
                if (close < 0) {
                    throw new IllegalArgumentException("'" + item + "' is not host:port");
                }
                host = item.substring(1, close);
                String rest = item.substring(close + 1);
                if (!rest.isEmpty()) {
                    if (!rest.startsWith(":")) {
                        throw new IllegalArgumentException("'" + item + "' is not host:port");
                    }
                    port = rest.substring(1);
                }
            } else {
                int colon = item.lastIndexOf(':');
                if (colon >= 0 && item.indexOf(':') != colon) {
                    throw new IllegalArgumentException("'" + item + "': write an IPv6 address as [addr]:port");
                }
                host = colon < 0 ? item : item.substring(0, colon);
                port = colon < 0 ? null : item.substring(colon + 1);
            }
            if (host.isEmpty()) {
                throw new IllegalArgumentException("'" + item + "' is not host:port");
            }
            addresses.add(new Address(host, port == null ? DEFAULT_PORT : port(item, port)));
        }
        if (addresses.isEmpty()) {
            throw new IllegalArgumentException("no sentinel address given: expected host:port[,host:port…]");
        }
        return addresses;
    }

    private static int port(String item, String port) {
        try {
            int p = Integer.parseInt(port);
            if (p >= 1 && p <= 65535) {
                return p;
            }
        } catch (NumberFormatException e) {
            // the message below
        }
        throw new IllegalArgumentException("'" + item + "': the port must be a number from 1 to 65535");
    }

    /** e.g. {@code 10.0.0.1:26379,10.0.0.2:26379}. */
    public String addressList() {
        return String.join(",", addresses.stream().map(Address::toString).toList());
    }

    @Override
    public String toString() {
        return "master '" + masterName + "' via sentinels " + addressList();
    }
}
