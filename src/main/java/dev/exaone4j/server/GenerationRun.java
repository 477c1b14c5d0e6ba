package dev.exaone4j.server;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * The bridge between a request's handler thread and its sequences (one per choice) on the scheduler thread: the
 * scheduler only enqueues events, the handler takes them and writes to the client, and cancels every sequence when
 * the client goes away.
 */
final class GenerationRun implements Sequence.Listener {
    sealed interface Event permits Text, Done {}

    /** Text (possibly empty) for choice {@code choice}, with the token's logprob when asked for. */
    record Text(int choice, String text, TokenLogprob logprob) implements Event {}

    /** Choice {@code choice} ended. */
    record Done(int choice, Sequence.Finish finish) implements Event {}

    private final Scheduler scheduler;
    final long heartbeatMillis;
    private final LinkedBlockingQueue<Event> events = new LinkedBlockingQueue<>();
    private final List<Sequence> sequences = new ArrayList<>();

    /** @param heartbeatMillis keep-alive / heartbeat period ({@link ServerConfig#heartbeatMillis()}) */
    GenerationRun(Scheduler scheduler, long heartbeatMillis) {
        this.scheduler = scheduler;
        this.heartbeatMillis = heartbeatMillis;
    }

    void add(Sequence s) {
        sequences.add(s);
    }

    int size() {
        return sequences.size();
    }

    /** Queues every sequence (429 / 503 from the scheduler propagate). */
    void submit() {
        scheduler.submit(sequences);
    }

    /** The next event, or null after timeoutMillis. */
    Event next(long timeoutMillis) throws InterruptedException {
        return events.poll(timeoutMillis, TimeUnit.MILLISECONDS);
    }

    /** Stops every sequence of this request (client gone). */
    void cancel() {
        for (Sequence s : sequences) scheduler.cancel(s);
    }

    @Override
    public void onText(Sequence s, String text, TokenLogprob lp) {
        events.add(new Text(s.choice, text, lp));
    }

    @Override
    public void onFinish(Sequence s, Sequence.Finish finish) {
        events.add(new Done(s.choice, finish));
    }
}
