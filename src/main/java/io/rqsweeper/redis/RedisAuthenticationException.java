package io.rqsweeper.redis;

/** Redis rejected the credentials (wrong password, unknown user). Waiting will not help; nothing was changed. */
public class RedisAuthenticationException extends RedisUnavailableException {
    public RedisAuthenticationException(String message) {
        super(message);
    }
}
