package dev.scion.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;

/**
 * One client of the soak, repeating its hostile (or, for {@link Chats}, ordinary) exchange until the deadline and
 * counting what came back. Sleeps here pace a client as a slow attacker would; they synchronise nothing.
 */
abstract class HostileLoad implements Callable<Void> {
    protected final long deadline;
    private final Map<String, Integer> outcomes = new TreeMap<>();
    private long slowestMs;

    HostileLoad(long deadline) {
        this.deadline = deadline;
    }

    /** One exchange; returns its outcome, e.g. "400" or "closed after 10 s". */
    abstract String once() throws IOException, InterruptedException;

    abstract String name();

    @Override
    public Void call() throws InterruptedException {
        while (left() > 0) {
            long start = System.nanoTime();
            String outcome;
            try {
                outcome = once();
            } catch (IOException e) {
                outcome = e.getClass().getSimpleName();
            }
            slowestMs = Math.max(slowestMs, (System.nanoTime() - start) / 1_000_000);
            outcomes.merge(outcome, 1, Integer::sum);
        }
        return null;
    }

    long left() {
        return (deadline - System.nanoTime()) / 1_000_000;
    }

    /** One line for all the loads of one kind: their outcomes added up, and the slowest exchange of any. */
    static String report(java.util.List<? extends HostileLoad> same) {
        Map<String, Integer> all = new TreeMap<>();
        long slowest = 0;
        for (HostileLoad load : same) {
            load.outcomes.forEach((k, v) -> all.merge(k, v, Integer::sum));
            slowest = Math.max(slowest, load.slowestMs);
        }
        return String.format(Locale.ROOT, "%-16s %3d client(s): %s; slowest exchange %d ms", same.get(0).name(),
                same.size(), all, slowest);
    }

    /** Opens a socket to the server, reads time out at the deadline. */
    static Socket connect(URI url, long deadline) throws IOException {
        Socket s = new Socket();
        s.connect(new InetSocketAddress(url.getHost(), url.getPort()), 5_000);
        s.setSoTimeout((int) Math.max(1, (deadline - System.nanoTime()) / 1_000_000));
        return s;
    }

    /** The status of the answer waiting on {@code in}, or "closed" when the server closed without one. */
    static String status(InputStream in) throws IOException {
        byte[] head = new byte[12];
        int n = 0;
        int k;
        while (n < head.length && (k = in.read(head, n, head.length - n)) > 0) {
            n += k;
        }
        String line = new String(head, 0, n, StandardCharsets.US_ASCII);
        return line.startsWith("HTTP/1.1 ") && n == head.length ? line.substring(9, 12) : "closed";
    }

    /** A body of 8 MB declared (or chunked), sent 64 KB every 250 ms: the server must answer or close. */
    static final class StalledBody extends HostileLoad {
        private final URI url;
        private final boolean chunked;
        private final String apiKey;

        StalledBody(URI url, long deadline, boolean chunked, String apiKey) {
            super(deadline);
            this.url = url;
            this.chunked = chunked;
            this.apiKey = apiKey;
        }

        @Override
        String name() {
            return chunked ? "stalled-chunked" : "stalled-8MB";
        }

        @Override
        String once() throws IOException, InterruptedException {
            try (Socket s = connect(url, deadline)) {
                OutputStream out = s.getOutputStream();
                InputStream in = s.getInputStream();
                out.write(("POST /v1/chat/completions HTTP/1.1\r\nHost: soak\r\nContent-Type: application/json\r\n"
                        + (apiKey == null ? "" : "Authorization: Bearer " + apiKey + "\r\n")
                        + (chunked ? "Transfer-Encoding: chunked\r\n" : "Content-Length: 8388608\r\n") + "\r\n")
                        .getBytes(StandardCharsets.US_ASCII));
                byte[] piece = new byte[64 << 10];
                java.util.Arrays.fill(piece, (byte) ' ');
                try {
                    for (int sent = 0; sent < (8 << 20) && left() > 0; sent += piece.length) {
                        if (in.available() > 0) {
                            return status(in);
                        }
                        if (chunked) {
                            out.write((Integer.toHexString(piece.length) + "\r\n").getBytes(StandardCharsets.US_ASCII));
                        }
                        out.write(piece);
                        if (chunked) {
                            out.write("\r\n".getBytes(StandardCharsets.US_ASCII));
                        }
                        out.flush();
                        Thread.sleep(250);
                    }
                    return left() > 0 ? status(in) : "deadline";
                } catch (SocketTimeoutException e) {
                    return "deadline";
                } catch (IOException e) {
                    String answered = in.available() > 0 ? status(in) : "reset";
                    return answered;
                }
            }
        }
    }

    /** Request headers one byte a second: the server must close within its header timeout. */
    static final class Slowloris extends HostileLoad {
        private final URI url;

        Slowloris(URI url, long deadline) {
            super(deadline);
            this.url = url;
        }

        @Override
        String name() {
            return "slowloris";
        }

        @Override
        String once() throws IOException, InterruptedException {
            long start = System.nanoTime();
            try (Socket s = connect(url, deadline)) {
                OutputStream out = s.getOutputStream();
                out.write("GET /health HTTP/1.1\r\nHost: soak\r\n".getBytes(StandardCharsets.US_ASCII));
                try {
                    while (left() > 0) {
                        out.write('X');
                        out.flush();
                        if (s.getInputStream().available() > 0) {
                            return "answered " + status(s.getInputStream());
                        }
                        Thread.sleep(1_000);
                    }
                    return "deadline";
                } catch (IOException e) {
                    return "closed within " + seconds(start);
                }
            }
        }
    }

    /** A connection that never sends a byte: the server must close it. */
    static final class IdleSocket extends HostileLoad {
        private final URI url;

        IdleSocket(URI url, long deadline) {
            super(deadline);
            this.url = url;
        }

        @Override
        String name() {
            return "idle";
        }

        @Override
        String once() throws IOException {
            long start = System.nanoTime();
            try (Socket s = connect(url, deadline)) {
                try {
                    int b = s.getInputStream().read();
                    return (b < 0 ? "closed within " : "sent a byte within ") + seconds(start);
                } catch (SocketTimeoutException e) {
                    return "deadline";
                } catch (IOException e) {
                    return "reset within " + seconds(start);
                }
            }
        }
    }

    /** The time since {@code start}, rounded up to 5 s buckets so the outcomes stay few. */
    private static String seconds(long start) {
        long s = (System.nanoTime() - start) / 1_000_000_000L;
        return ((s / 5) + 1) * 5 + " s";
    }

    /** 7 MB prompts, in turn to chat completions and {@code /tokenize}. */
    static final class BigPrompt extends HostileLoad {
        private final BenchSoakCommand.SoakClient client;
        private final byte[] chat;
        private final byte[] tokenize;
        private int turn;

        BigPrompt(BenchSoakCommand.SoakClient client, long deadline, int seed) throws IOException, InterruptedException {
            super(deadline);
            this.client = client;
            String words = "lorem ipsum dolor sit amet " + seed + " ";
            String text = words.repeat((7 << 20) / words.length());
            this.chat = ("{\"model\": \"" + client.baseModel() + "\", \"max_tokens\": 4, \"messages\": [{\"role\": "
                    + "\"user\", \"content\": \"" + text + "\"}]}").getBytes(StandardCharsets.UTF_8);
            this.tokenize = ("{\"prompt\": \"" + text + "\"}").getBytes(StandardCharsets.UTF_8);
        }

        @Override
        String name() {
            return "big-prompt";
        }

        @Override
        String once() throws IOException, InterruptedException {
            boolean toChat = turn++ % 2 == 0;
            int status = client.send("POST", toChat ? "/v1/chat/completions" : "/tokenize", "application/json",
                    toChat ? chat : tokenize, false).statusCode();
            return (toChat ? "chat " : "tokenize ") + status;
        }
    }

    /** Pages through an adapter's whole audit log, 100 events a page, then the newest page, again and again. */
    static final class EventPages extends HostileLoad {
        private final BenchSoakCommand.SoakClient client;
        private final String adapter;
        private static final java.util.regex.Pattern LAST = java.util.regex.Pattern.compile(
                "\"last_id\"\\s*:\\s*\"([^\"]+)\"");

        EventPages(BenchSoakCommand.SoakClient client, long deadline, String adapter) {
            super(deadline);
            this.client = client;
            this.adapter = adapter;
        }

        @Override
        String name() {
            return "events";
        }

        @Override
        String once() throws IOException, InterruptedException {
            String after = null;
            int pages = 0;
            while (left() > 0) {
                var r = client.send("GET", "/v1/adapters/" + adapter + "/events?limit=100"
                        + (after == null ? "" : "&after=" + after), null, null, false);
                if (r.statusCode() != 200) {
                    return "page " + r.statusCode();
                }
                pages++;
                var m = LAST.matcher(r.body());
                if (!r.body().contains("\"has_more\": true") && !r.body().contains("\"has_more\":true") || !m.find()) {
                    break;
                }
                after = m.group(1);
            }
            return "walked " + pages + " pages";
        }
    }

    /** An ordinary client chatting throughout: every answer must be a 200. */
    static final class Chats extends HostileLoad {
        private final BenchSoakCommand.SoakClient client;

        Chats(BenchSoakCommand.SoakClient client, long deadline) {
            super(deadline);
            this.client = client;
        }

        @Override
        String name() {
            return "chat";
        }

        @Override
        String once() throws IOException, InterruptedException {
            return String.valueOf(client.chat("Hello!"));
        }

        int failures() {
            return outcomesOtherThan("200");
        }
    }

    int outcomesOtherThan(String ok) {
        return outcomes.entrySet().stream().filter(e -> !e.getKey().equals(ok)).mapToInt(Map.Entry::getValue).sum();
    }
}
