package io.rqsweeper.redis;

/** Redis answered a command with an error (for example WRONGTYPE); the connection itself is fine. */
public class RedisCommandException extends RuntimeException {
    public RedisCommandException(String message) {
        super(message);
    }

    public boolean isWrongType() {
        return getMessage() != null && getMessage().startsWith("WRONGTYPE");
    }

    public boolean isNoScript() {
        return getMessage() != null && getMessage().startsWith("NOSCRIPT");
    }
}
