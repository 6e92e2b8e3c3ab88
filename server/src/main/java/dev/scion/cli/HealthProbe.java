package dev.scion.cli;

import java.util.Arrays;
import java.util.Locale;
import java.util.concurrent.Callable;

/** Asks {@code /health} every 25 ms until the deadline and reports the latency percentiles and failures. */
final class HealthProbe implements Callable<Void> {
    private static final long INTERVAL_MS = 25;
    private final BenchSoakCommand.SoakClient client;
    private final long deadline;
    private long[] nanos = new long[1024];
    private int count;
    private int failures;

    HealthProbe(BenchSoakCommand.SoakClient client, long deadline) {
        this.client = client;
        this.deadline = deadline;
    }

    @Override
    public Void call() throws InterruptedException {
        while (System.nanoTime() < deadline) {
            long start = System.nanoTime();
            try {
                if (client.send("GET", "/health", null, null, false).statusCode() != 200) {
                    failures++;
                }
            } catch (java.io.IOException e) {
                failures++;
            }
            long took = System.nanoTime() - start;
            if (count == nanos.length) {
                nanos = Arrays.copyOf(nanos, count * 2);
            }
            nanos[count++] = took;
            Thread.sleep(Math.max(0, INTERVAL_MS - took / 1_000_000)); // the probe's pace
        }
        return null;
    }

    String report() {
        long[] sorted = Arrays.copyOf(nanos, count);
        Arrays.sort(sorted);
        return String.format(Locale.ROOT, "/health: %d probes, %d failed; p50 %.1f ms, p99 %.1f ms, max %.1f ms",
                count, failures, at(sorted, 0.50), at(sorted, 0.99), count == 0 ? 0 : sorted[count - 1] / 1e6);
    }

    private static double at(long[] sorted, double q) {
        return sorted.length == 0 ? 0 : sorted[(int) Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)] / 1e6;
    }
}
