package dev.scion.server.metrics;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The process's resident set size, read from the kernel. The JVM's own memory metrics miss what matters most here:
 * libtorch's native tensors (weights, KV cache) live outside the Java heap, and only RSS shows them.
 */
final class ProcessMemory {
    private static final Path STATUS = Path.of("/proc/self/status");

    private ProcessMemory() {}

    /** Resident bytes, or NaN where /proc is not available (not Linux). */
    static double residentBytes() {
        try {
            return parseVmRss(Files.readString(STATUS));
        } catch (IOException | RuntimeException e) {
            return Double.NaN;
        }
    }

    /**
     * The {@code VmRSS:} line of a /proc/PID/status text, in bytes.
     *
     * @throws IllegalArgumentException if the line is missing or not in kB
     */
    static long parseVmRss(String status) {
        for (String line : status.split("\n")) {
            if (line.startsWith("VmRSS:")) {
                String[] parts = line.substring("VmRSS:".length()).trim().split("\\s+");
                if (parts.length == 2 && parts[1].equals("kB")) {
                    return Long.parseLong(parts[0]) * 1024;
                }
                throw new IllegalArgumentException("unexpected VmRSS line: " + line);
            }
        }
        throw new IllegalArgumentException("no VmRSS line");
    }
}
