package dev.scion.server.adapters.archive;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;

/**
 * Unpacked bytes of an archive, charged to an {@link UnpackBudget} as they are read, so reading
 * stops within one buffer of the bound. A failure to decode is the archive's fault and is refused
 * naming what was being read.
 */
final class BudgetedInputStream extends FilterInputStream {
    private final UnpackBudget budget;
    private final String what;

    BudgetedInputStream(InputStream in, UnpackBudget budget, String what) {
        super(in);
        this.budget = budget;
        this.what = what;
    }

    @Override
    public int read() {
        int b = decode(() -> in.read());
        if (b >= 0) {
            budget.charge(1, what);
        }
        return b;
    }

    @Override
    public int read(byte[] buffer, int offset, int length) {
        int n = decode(() -> in.read(buffer, offset, length));
        if (n > 0) {
            budget.charge(n, what);
        }
        return n;
    }

    @Override
    public long skip(long n) {
        // skipping through read() keeps skipped bytes charged: they were decompressed all the same
        byte[] buffer = new byte[(int) Math.min(8192, Math.max(n, 1))];
        long skipped = 0;
        while (skipped < n) {
            int r = read(buffer, 0, (int) Math.min(buffer.length, n - skipped));
            if (r < 0) {
                break;
            }
            skipped += r;
        }
        return skipped;
    }

    @Override
    public boolean markSupported() {
        return false;
    }

    private interface Read {
        int run() throws IOException;
    }

    private int decode(Read read) {
        try {
            return read.run();
        } catch (IOException e) {
            // the upload is a local file, so a failure here is the decoder rejecting the archive's bytes
            throw new AdapterArchive.Refused("the archive is corrupt while reading " + what + ": "
                    + e.getMessage(), e);
        }
    }
}
