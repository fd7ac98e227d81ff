package io.rqsweeper.sweep;

import io.rqsweeper.redis.RedisSession;
import io.rqsweeper.redis.RedisUnavailableException;
import io.rqsweeper.rq.RqReader;

import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Reads started registries page by page (ZSCAN, then what the rule needs about each entry) on a connection of
 * its own, one page ahead of the sweep: Redis reads the next page while the sweep's scripts change this one,
 * so neither waits for the other. Only reads; every change is still decided on facts re-checked in its script.
 */
final class PageReader implements AutoCloseable {

    /** A page, Redis's clock when it was read, and the facts of its entries. */
    record Read(RqReader.Page page, long now, List<RqReader.EntryFacts> facts) {
    }

    private final RedisSession session;
    private final RqReader rq;
    private final ExecutorService thread = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "rq-sweeper-read-ahead");
        t.setDaemon(true);
        return t;
    });

    PageReader(RedisSession session) {
        this.session = session;
        this.rq = new RqReader(session);
    }

    /** Starts reading the page at {@code cursor}; {@link #await} gives it. */
    Future<Read> start(String queue, String cursor, int count) {
        return thread.submit(() -> {
            RqReader.Page page = rq.scanStarted(queue, cursor, count);
            long now = rq.now();
            return new Read(page, now, rq.read(queue, page.entries()));
        });
    }

    /** The page read by {@link #start}; what Redis answered with an error is thrown as it was. */
    static Read await(Future<Read> read) {
        try {
            return read.get();
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException r) {
                throw r;
            }
            throw new IllegalStateException(e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new RedisUnavailableException("interrupted while reading from Redis");
        }
    }

    @Override
    public void close() {
        thread.shutdownNow();
        session.close();
    }
}
