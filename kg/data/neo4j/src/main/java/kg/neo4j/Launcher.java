package kg.neo4j;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Executors;
import org.neo4j.configuration.GraphDatabaseInternalSettings;
import org.neo4j.configuration.GraphDatabaseSettings;
import org.neo4j.configuration.connectors.BoltConnector;
import org.neo4j.configuration.connectors.HttpConnector;
import org.neo4j.configuration.connectors.HttpsConnector;
import org.neo4j.configuration.helpers.SocketAddress;
import org.neo4j.dbms.api.DatabaseManagementService;
import org.neo4j.dbms.api.DatabaseManagementServiceBuilder;
import org.neo4j.graphdb.GraphDatabaseService;
import org.neo4j.io.ByteUnit;
import sun.misc.Signal;

/**
 * Neo4j 5 Community embedded: Bolt (and Bolt over WebSocket) on 127.0.0.1:bolt-port, and on
 * 127.0.0.1:http-port the discovery document at /, Neo4j Browser's files under /browser/ and
 * the files of the --files folder (kg's Browser guide) under /kg/.
 *
 * <pre>
 * NEO4J_PASSWORD=... java -cp 'target/classes:target/lib/*' kg.neo4j.Launcher \
 *     [--bolt-port 7687] [--http-port 7474] [--data ./neo4j-data] [--files DIR]
 * </pre>
 *
 * Prints one line, "ready bolt://localhost:B http://localhost:H/browser/", once both serve;
 * Neo4j's own logs go to DATA/logs. SIGINT and SIGTERM stop it with exit code 0.
 */
public final class Launcher {
    /** Where the neo4j-browser jar keeps its files. */
    private static final String BROWSER_PREFIX = "browser/";

    private static final Map<String, String> CONTENT_TYPES = Map.ofEntries(
            Map.entry("html", "text/html; charset=utf-8"),
            Map.entry("js", "text/javascript; charset=utf-8"),
            Map.entry("css", "text/css; charset=utf-8"),
            Map.entry("json", "application/json"),
            Map.entry("map", "application/json"),
            Map.entry("svg", "image/svg+xml"),
            Map.entry("png", "image/png"),
            Map.entry("jpg", "image/jpeg"),
            Map.entry("ico", "image/x-icon"),
            Map.entry("woff", "font/woff"),
            Map.entry("woff2", "font/woff2"),
            Map.entry("ttf", "font/ttf"),
            Map.entry("eot", "application/vnd.ms-fontobject"),
            Map.entry("mp4", "video/mp4"),
            Map.entry("txt", "text/plain; charset=utf-8"),
            Map.entry("xml", "application/xml"));

    private static volatile DatabaseManagementService dbms;
    private static volatile HttpServer http;

    private Launcher() {}

    public static void main(String[] args) {
        int boltPort = 7687;
        int httpPort = 7474;
        Path data = Path.of("neo4j-data");
        Path files = null;
        try {
            for (int i = 0; i < args.length; i++) {
                String name = args[i];
                if (i + 1 >= args.length) {
                    throw new IllegalArgumentException("missing value for " + name);
                }
                String value = args[++i];
                switch (name) {
                    case "--bolt-port" -> boltPort = port(value);
                    case "--http-port" -> httpPort = port(value);
                    case "--data" -> data = Path.of(value);
                    case "--files" -> files = Path.of(value);
                    default -> throw new IllegalArgumentException("unknown option " + name);
                }
            }
        } catch (IllegalArgumentException e) {
            fail(e.getMessage() + " (usage: Launcher [--bolt-port N] [--http-port N] [--data DIR] [--files DIR])");
        }
        String password = System.getenv("NEO4J_PASSWORD");
        if (password == null || password.length() < 8) {
            fail("NEO4J_PASSWORD must be set to at least 8 characters");
        }

        // Handling the signals ourselves turns SIGINT/SIGTERM into exit code 0 (not 130/143);
        // System.exit still runs the shutdown hook, which stops whatever has started so far.
        Runtime.getRuntime().addShutdownHook(new Thread(Launcher::stop, "kg-neo4j-shutdown"));
        Signal.handle(new Signal("INT"), s -> System.exit(0));
        Signal.handle(new Signal("TERM"), s -> System.exit(0));
        try {
            boolean fresh = !Files.isDirectory(data.resolve("data").resolve("databases").resolve("system"));
            if (fresh) {
                // A new data folder: set the password with Bolt closed, so that no client can
                // log in with the default password before it is set.
                DatabaseManagementService first = builder(data, boltPort, false).build();
                try {
                    setPassword(first.database(GraphDatabaseSettings.SYSTEM_DATABASE_NAME), password);
                } finally {
                    first.shutdown();
                }
            }
            dbms = builder(data, boltPort, true).build();
            GraphDatabaseService system = dbms.database(GraphDatabaseSettings.SYSTEM_DATABASE_NAME);
            if (!fresh) {
                setPassword(system, password);  // NEO4J_PASSWORD may have changed since the last start
            }
            Map<String, Object> component = system.executeTransactionally(
                    "CALL dbms.components() YIELD versions, edition RETURN versions[0] AS version, edition",
                    Map.of(), result -> result.next());
            String discovery = "{\"bolt_routing\":\"neo4j://localhost:" + boltPort + "\","
                    + "\"bolt_direct\":\"bolt://localhost:" + boltPort + "\","
                    + "\"neo4j_version\":\"" + component.get("version") + "\","
                    + "\"neo4j_edition\":\"" + component.get("edition") + "\"}";
            http = startHttp(httpPort, discovery.getBytes(StandardCharsets.UTF_8), files);
        } catch (Exception e) {
            System.err.println("neo4j launcher: cannot start: " + e);
            System.exit(1);
        }
        System.out.println("ready bolt://localhost:" + boltPort + " http://localhost:" + httpPort + "/browser/");
        System.out.flush();
        // The main thread ends here; Neo4j's non-daemon threads keep the JVM running.
    }

    private static DatabaseManagementServiceBuilder builder(Path data, int boltPort, boolean bolt) {
        return new DatabaseManagementServiceBuilder(data.toAbsolutePath())
                .setConfig(BoltConnector.enabled, bolt)
                .setConfig(BoltConnector.listen_address, new SocketAddress("127.0.0.1", boltPort))
                .setConfig(BoltConnector.advertised_address, new SocketAddress("localhost", boltPort))
                .setConfig(HttpConnector.enabled, false)
                .setConfig(HttpsConnector.enabled, false)
                .setConfig(GraphDatabaseSettings.auth_enabled, true)
                .setConfig(GraphDatabaseSettings.pagecache_memory, ByteUnit.mebiBytes(128))
                // Netty's default quiet period (5 s, twice) would make every stop take 10 s.
                .setConfig(GraphDatabaseInternalSettings.netty_server_shutdown_quiet_period, 0);
    }

    private static synchronized void stop() {
        if (http != null) {
            http.stop(0);
        }
        if (dbms != null) {
            dbms.shutdown();
        }
    }

    /** Sets the neo4j user's password, with no change required at first login. */
    private static void setPassword(GraphDatabaseService system, String password) {
        try {
            system.executeTransactionally(
                    "ALTER USER neo4j SET PASSWORD $p CHANGE NOT REQUIRED", Map.of("p", password));
        } catch (RuntimeException e) {
            // On a data folder that already has this password Neo4j refuses to "change" it.
            if (!String.valueOf(e.getMessage()).contains("Old password and new password cannot be the same")) {
                throw e;
            }
            system.executeTransactionally("ALTER USER neo4j SET PASSWORD CHANGE NOT REQUIRED");
        }
    }

    private static HttpServer startHttp(int port, byte[] discovery, Path files) throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 0);
        server.createContext("/", exchange -> {
            try (exchange) {
                String method = exchange.getRequestMethod();
                if (!method.equals("GET") && !method.equals("HEAD")) {
                    exchange.getResponseHeaders().set("Allow", "GET, HEAD");
                    send(exchange, 405, "text/plain; charset=utf-8", "method not allowed\n".getBytes(StandardCharsets.UTF_8));
                    return;
                }
                String path = exchange.getRequestURI().getPath();
                if (path.equals("/")) {
                    send(exchange, 200, "application/json", discovery);
                } else if (path.equals("/browser")) {
                    exchange.getResponseHeaders().set("Location", "/browser/");
                    send(exchange, 301, null, null);
                } else if (path.startsWith("/browser/")) {
                    serveBrowserFile(exchange, path.substring("/browser/".length()));
                } else if (path.startsWith("/kg/") && files != null) {
                    serveFile(exchange, files, path.substring("/kg/".length()));
                } else {
                    notFound(exchange);
                }
            }
        });
        server.setExecutor(Executors.newFixedThreadPool(4, r -> {
            Thread t = new Thread(r, "kg-neo4j-http");
            t.setDaemon(true);
            return t;
        }));
        server.start();
        return server;
    }

    private static void serveBrowserFile(HttpExchange exchange, String file) throws IOException {
        if (file.isEmpty()) {
            file = "index.html";
        }
        // No way out of the prefix, and no directory entries of the jar.
        if (Arrays.stream(file.split("/", -1)).anyMatch(s -> s.isEmpty() || s.equals(".") || s.equals(".."))) {
            notFound(exchange);
            return;
        }
        byte[] body;
        try (InputStream in = Launcher.class.getClassLoader().getResourceAsStream(BROWSER_PREFIX + file)) {
            if (in == null) {
                notFound(exchange);
                return;
            }
            body = in.readAllBytes();
        }
        String extension = file.substring(file.lastIndexOf('.') + 1).toLowerCase(Locale.ROOT);
        send(exchange, 200, CONTENT_TYPES.getOrDefault(extension, "application/octet-stream"), body);
    }

    /** A file of the --files folder (the query library's Browser guide), for Browser's :play. */
    private static void serveFile(HttpExchange exchange, Path folder, String file) throws IOException {
        Path path = folder.resolve(file).normalize();
        if (file.isEmpty() || !path.startsWith(folder.normalize()) || !Files.isRegularFile(path)) {
            notFound(exchange);
            return;
        }
        String extension = file.substring(file.lastIndexOf('.') + 1).toLowerCase();
        // Browser fetches a guide from its own page's origin or an allowed host; this one is both
        exchange.getResponseHeaders().set("Access-Control-Allow-Origin", "*");
        send(exchange, 200, CONTENT_TYPES.getOrDefault(extension, "application/octet-stream"), Files.readAllBytes(path));
    }

    private static void notFound(HttpExchange exchange) throws IOException {
        send(exchange, 404, "text/plain; charset=utf-8", "not found\n".getBytes(StandardCharsets.UTF_8));
    }

    private static void send(HttpExchange exchange, int status, String contentType, byte[] body) throws IOException {
        if (contentType != null) {
            exchange.getResponseHeaders().set("Content-Type", contentType);
        }
        boolean noBody = body == null || exchange.getRequestMethod().equals("HEAD");
        if (!noBody) {
            exchange.sendResponseHeaders(status, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        } else {
            if (body != null) {
                exchange.getResponseHeaders().set("Content-Length", Integer.toString(body.length));
            }
            exchange.sendResponseHeaders(status, -1);
        }
    }

    private static int port(String value) {
        try {
            int port = Integer.parseInt(value);
            if (port >= 1 && port <= 65535) {
                return port;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new IllegalArgumentException("bad port: " + value);
    }

    private static void fail(String message) {
        System.err.println("neo4j launcher: " + message);
        System.exit(2);
    }
}
