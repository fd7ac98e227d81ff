package io.rqsweeper.redis;

/** Redis could not be reached, refused us, timed out or rejected the credentials. Nothing was changed. */
public class RedisUnavailableException extends RuntimeException {
    public RedisUnavailableException(String message) {
        super(message);
    }
}
