package dev.exaone4j.tensor;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

/**
 * A persistent pool of worker threads (sized to the cores) that splits an index range into chunks. The caller
 * thread works too; {@link #forRange} returns when every chunk is done (one barrier per operation).
 */
public final class Parallel {
    /** Body of a parallel loop: processes indices [start, end). */
    @FunctionalInterface
    public interface RangeBody {
        void run(int start, int end);
    }

    private static volatile Parallel global;

    private final Thread[] workers;
    private final AtomicInteger next = new AtomicInteger();
    private final AtomicInteger done = new AtomicInteger();
    private volatile long epoch;
    private volatile RangeBody body;
    private volatile int n;
    private volatile int chunk;
    private volatile Throwable failure;
    private boolean busy;

    private Parallel(int threads) {
        workers = new Thread[Math.max(0, threads - 1)];
        for (int i = 0; i < workers.length; i++) {
            Thread t = new Thread(this::workerLoop, "exaone4j-worker-" + (i + 1));
            t.setDaemon(true);
            workers[i] = t;
            t.start();
        }
    }

    /** Sets the thread count of the global pool (before first use, or replaces it when idle). */
    public static synchronized void configure(int threads) {
        if (threads < 1) throw new IllegalArgumentException("threads must be >= 1, got " + threads);
        if (global != null && global.threads() == threads) return;
        global = new Parallel(threads);
    }

    public static Parallel global() {
        Parallel p = global;
        if (p == null) {
            synchronized (Parallel.class) {
                if (global == null) global = new Parallel(defaultThreads());
                p = global;
            }
        }
        return p;
    }

    public static int defaultThreads() {
        String env = System.getProperty("exaone4j.threads");
        if (env != null) return Math.max(1, Integer.parseInt(env));
        return Math.max(1, Runtime.getRuntime().availableProcessors());
    }

    public int threads() {
        return workers.length + 1;
    }

    /** Runs body over [0, n) in chunks of {@code chunk} indices on all threads; returns when all are done. */
    public static void forRange(int n, int chunk, RangeBody body) {
        global().run(n, chunk, body);
    }

    /**
     * Below this many multiply-adds an operation runs on the calling thread: waking the pool costs more than it
     * saves (tiny models, short attention spans), and on a busy machine a sleeping worker can stall the barrier.
     */
    public static final long MIN_PARALLEL_WORK = 1L << 17;

    /** {@link #forRange(int, int, RangeBody)} for an operation of about {@code work} multiply-adds. */
    public static void forRange(int n, int chunk, long work, RangeBody body) {
        if (work < MIN_PARALLEL_WORK) {
            if (n > 0) body.run(0, n);
            return;
        }
        global().run(n, chunk, body);
    }

    public void run(int n, int chunk, RangeBody body) {
        if (n <= 0) return;
        chunk = Math.max(1, chunk);
        synchronized (this) {
            if (workers.length == 0 || n <= chunk || busy) {
                // single chunk, no workers, or a nested call from inside a parallel body: run inline
                body.run(0, n);
                return;
            }
            busy = true;
            try {
                this.body = body;
                this.n = n;
                this.chunk = chunk;
                this.failure = null;
                next.set(0);
                done.set(0);
                epoch = epoch + 1;
                for (Thread w : workers) LockSupport.unpark(w);
                work();
                for (int spins = 0; done.get() < workers.length; spins++) {
                    if (spins < 10_000) Thread.onSpinWait();
                    else Thread.yield(); // an oversubscribed machine: let the descheduled worker run
                }
                this.body = null;
                Throwable f = failure;
                if (f instanceof RuntimeException re) throw re;
                if (f instanceof Error er) throw er;
                if (f != null) throw new RuntimeException(f);
            } finally {
                busy = false;
            }
        }
    }

    private void work() {
        RangeBody b = body;
        int total = n, c = chunk;
        int s;
        while ((s = next.getAndAdd(c)) < total) {
            try {
                b.run(s, Math.min(total, s + c));
            } catch (Throwable t) {
                failure = t;
                next.set(total);
            }
        }
    }

    /**
     * How long an idle worker spins for the next operation before it parks: a decode step runs a few hundred
     * operations with short serial gaps (norms, quantizing the activations) between them, and waking a parked
     * thread costs tens of microseconds, a good part of an operation. {@code -Dexaone4j.spinMicros=N} changes it.
     */
    static final long SPIN_NANOS = Long.getLong("exaone4j.spinMicros", 2000) * 1000;

    private void workerLoop() {
        long seen = 0;
        while (true) {
            int spins = 0;
            long idleSince = 0;
            while (epoch == seen) {
                if ((++spins & 1023) != 0) {
                    Thread.onSpinWait();
                } else if (idleSince == 0) {
                    idleSince = System.nanoTime();
                } else if (System.nanoTime() - idleSince > SPIN_NANOS) {
                    LockSupport.park(this);
                }
            }
            seen = epoch;
            work();
            done.incrementAndGet();
        }
    }
}
