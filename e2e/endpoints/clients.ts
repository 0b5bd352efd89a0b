/**
 * The clients a customer connects with, pointed at the proxy on loopback while naming the
 * database's public host (SNI and certificate checks use it): Node's TLS stack for HTTPS and ILP,
 * Debian's psql (libpq 15: the classic SSLRequest), psycopg's bundled libpq 17 (direct TLS), and a
 * bare PostgreSQL start-up to see whether a connection is served at all.
 */
import * as fs from "fs";
import * as https from "https";
import * as net from "net";
import * as path from "path";
import * as tls from "tls";
import { cacheDir, installOnce } from "../support/cache";
import { ensureDebianTool } from "../support/debian";
import { requireCommand, runChecked, runCommand } from "../support/process";
import { PSQL_INSTALL_STEP, basicAuth } from "../questdb/clients";
import { installMavenJar } from "../questdb/install";
import { PIP_INSTALL_STEP } from "../traefik/install";

export interface Endpoint {
    /** The database's public name, `<id>.<dnsSuffix>`: SNI, Host header and certificate name. */
    readonly hostname: string;
    /** The PEM file of the CA that signed the proxy's certificates. */
    readonly caFile: string;
    /** Where the proxy listens (loopback). */
    readonly address: string;
}

export interface Credentials {
    readonly user: string;
    readonly password: string;
}

export interface HttpsAnswer {
    readonly status: number;
    readonly body: string;
    /** The `Location` header of a redirect. */
    readonly location?: string;
}

/**
 * An HTTPS request that verifies the certificate for `hostname`; `localAddress` picks the client's
 * source. `headersOnly` answers as soon as the status line and headers arrive, as a browser does
 * with a redirect: QuestDB 9.3.4 sends its `/` redirect with no length and keeps the connection,
 * so a client that waits for the body waits forever.
 */
export function httpsRequest(endpoint: Endpoint, port: number, pathAndQuery: string,
    options: { credentials?: Credentials; method?: string; body?: Buffer; localAddress?: string; headersOnly?: boolean } = {}): Promise<HttpsAnswer> {
    const headers: Record<string, string> = { host: endpoint.hostname };
    if (options.credentials) {
        headers.authorization = basicAuth(options.credentials);
    }
    if (options.body) {
        headers["content-type"] = "text/plain";
        headers["content-length"] = String(options.body.length);
    }
    return new Promise((resolve, reject) => {
        const req = https.request({
            host: endpoint.address, port, path: pathAndQuery, method: options.method ?? "GET", headers,
            servername: endpoint.hostname, ca: fs.readFileSync(endpoint.caFile), localAddress: options.localAddress, agent: false,
        }, (res) => {
            if (options.headersOnly) {
                resolve({ status: res.statusCode ?? 0, body: "", location: res.headers.location });
                res.destroy();
                return;
            }
            let body = "";
            res.on("data", (c: Buffer) => (body += c.toString()));
            res.on("end", () => resolve({ status: res.statusCode ?? 0, body }));
        });
        req.on("error", reject);
        req.setTimeout(30_000, () => req.destroy(new Error(`HTTPS ${pathAndQuery}: timed out`)));
        req.end(options.body);
    });
}

/**
 * A CSV upload to QuestDB's `/imp` over HTTPS, streamed: a header line `payload,n`, then `rows` rows
 * of `rowBytes` bytes each (`x…x,1` and the newline). Resolves with the answer once QuestDB imported it.
 */
export function httpsImport(endpoint: Endpoint, port: number, table: string, credentials: Credentials, rows: number, rowBytes: number): Promise<HttpsAnswer> {
    const boundary = "qdb-e2e-upload-boundary";
    const head = Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="data"; filename="${table}.csv"\r\nContent-Type: text/csv\r\n\r\npayload,n\n`);
    const tail = Buffer.from(`\r\n--${boundary}--\r\n`);
    const row = Buffer.from(`${"x".repeat(rowBytes - 3)},1\n`);
    const chunkRows = 1024;
    const chunk = Buffer.concat(Array(chunkRows).fill(row));
    const length = head.length + rows * rowBytes + tail.length;
    return new Promise((resolve, reject) => {
        const req = https.request({
            host: endpoint.address, port, method: "POST", path: `/imp?name=${table}&header=true&delimiter=%2C&fmt=json`, servername: endpoint.hostname,
            ca: fs.readFileSync(endpoint.caFile), agent: false,
            headers: {
                host: endpoint.hostname, "content-type": `multipart/form-data; boundary=${boundary}`, "content-length": String(length),
                authorization: basicAuth(credentials),
            },
        }, (res) => {
            let body = "";
            res.on("data", (c: Buffer) => (body += c.toString()));
            res.on("end", () => resolve({ status: res.statusCode ?? 0, body }));
        });
        req.on("error", reject);
        req.setTimeout(600_000, () => req.destroy(new Error("the upload timed out after 10 minutes")));
        let sent = 0;
        const pump = () => {
            while (sent < rows) {
                const n = Math.min(chunkRows, rows - sent);
                sent += n;
                if (!req.write(n === chunkRows ? chunk : chunk.subarray(0, n * rowBytes))) {
                    req.once("drain", pump);
                    return;
                }
            }
            req.end(tail);
        };
        req.write(head);
        pump();
    });
}

/** A plain-HTTP request to the same port: what a client that forgot TLS gets. */
export async function plainHttpStatus(endpoint: Endpoint, port: number, pathAndQuery: string): Promise<number> {
    const response = await fetch(`http://${endpoint.address}:${port}${pathAndQuery}`,
        { headers: { host: endpoint.hostname }, signal: AbortSignal.timeout(15_000) });
    await response.text();
    return response.status;
}

/** Sends ILP rows over TLS (what `tcps::` clients do) and closes; resolves once the proxy closed too. */
export function sendIlpOverTls(endpoint: Endpoint, port: number, lines: readonly string[], localAddress?: string): Promise<void> {
    return new Promise((resolve, reject) => {
        // TLS over a socket of our own: tls.connect cannot choose the source address.
        const raw = net.connect({ host: endpoint.address, port, localAddress });
        const socket = tls.connect({ socket: raw, servername: endpoint.hostname, ca: fs.readFileSync(endpoint.caFile) },
            () => socket.end(lines.map((l) => `${l}\n`).join("")));
        socket.on("error", reject);
        socket.on("close", () => resolve());
    });
}

/** Sends ILP rows in plain text to the same port; gives up on the connection after 10 s. */
export function sendIlpPlain(endpoint: Endpoint, port: number, lines: readonly string[]): Promise<void> {
    return new Promise((resolve) => {
        const socket = net.connect({ host: endpoint.address, port }, () => socket.end(lines.map((l) => `${l}\n`).join("")));
        const timer = setTimeout(() => socket.destroy(), 10_000);
        socket.on("error", () => undefined);
        socket.on("close", () => {
            clearTimeout(timer);
            resolve();
        });
    });
}

/** What a PostgreSQL start-up got: QuestDB asking for a password, or the connection ended first. */
export type StartupOutcome = "password requested" | `ended: ${string}`;

function startupMessage(user: string): Buffer {
    const params = Buffer.from(`user\0${user}\0database\0qdb\0\0`);
    const message = Buffer.alloc(8 + params.length);
    message.writeInt32BE(message.length, 0);
    message.writeInt32BE(196608, 4); // protocol 3.0
    params.copy(message, 8);
    return message;
}

const SSL_REQUEST = Buffer.from([0, 0, 0, 8, 0x04, 0xd2, 0x16, 0x2f]);

/** The first byte of the answer to a start-up: `R` is an authentication request. */
function firstMessage(socket: net.Socket, send: Buffer): Promise<StartupOutcome> {
    return new Promise((resolve) => {
        const timer = setTimeout(() => finish("ended: no answer in 15 s"), 15_000);
        const finish = (outcome: StartupOutcome) => {
            clearTimeout(timer);
            socket.destroy();
            resolve(outcome);
        };
        socket.once("data", (chunk: Buffer) => finish(chunk[0] === 0x52 ? "password requested" : `ended: answered ${JSON.stringify(chunk.subarray(0, 1).toString())}`));
        socket.on("error", (err) => finish(`ended: ${err.message}`));
        socket.on("close", () => finish("ended: closed"));
        socket.write(send);
    });
}

/**
 * A classic PostgreSQL TLS start-up (SSLRequest, `S`, TLS for `hostname`, StartupMessage) from
 * `localAddress`: how far a client at that address gets.
 */
export function pgTlsStartup(endpoint: Endpoint, port: number, user: string, localAddress?: string): Promise<StartupOutcome> {
    return new Promise((resolve) => {
        const raw = net.connect({ host: endpoint.address, port, localAddress });
        raw.on("error", (err) => resolve(`ended: ${err.message}`));
        raw.once("data", (answer: Buffer) => {
            if (answer.toString() !== "S") {
                raw.destroy();
                resolve(`ended: SSLRequest answered ${JSON.stringify(answer.toString())}`);
                return;
            }
            const secure = tls.connect({ socket: raw, servername: endpoint.hostname, ca: fs.readFileSync(endpoint.caFile) },
                () => void firstMessage(secure, startupMessage(user)).then(resolve));
            secure.on("error", (err) => resolve(`ended: ${err.message}`));
            secure.on("close", () => resolve("ended: closed"));
        });
        raw.on("connect", () => raw.write(SSL_REQUEST));
    });
}

/** A PostgreSQL start-up in plain text, with no SSLRequest. */
export function pgPlainStartup(endpoint: Endpoint, port: number, user: string): Promise<StartupOutcome> {
    return new Promise((resolve) => {
        const socket = net.connect({ host: endpoint.address, port }, () => void firstMessage(socket, startupMessage(user)).then(resolve));
        socket.on("error", (err) => resolve(`ended: ${err.message}`));
    });
}

/** libpq connection parameters for the database's public name, verified against the test CA. */
function conninfo(endpoint: Endpoint, port: number, credentials: Credentials, extra: string): string {
    return [`host=${endpoint.hostname}`, `hostaddr=${endpoint.address}`, `port=${port}`, `user=${credentials.user}`, "dbname=qdb",
        "sslmode=verify-full", `sslrootcert=${endpoint.caFile}`, "connect_timeout=10", extra].join(" ");
}

/** psql (Debian's libpq: the classic SSLRequest start) with `sslmode=verify-full`. */
export async function psqlOverTls(endpoint: Endpoint, port: number, credentials: Credentials, sql: string): Promise<string> {
    await requireCommand("psql", ["--version"], PSQL_INSTALL_STEP);
    const result = await runCommand("psql", [conninfo(endpoint, port, credentials, ""), "-w", "-X", "-tA", "-v", "ON_ERROR_STOP=1", "-c", sql],
        { env: { ...process.env, PGPASSWORD: credentials.password } });
    if (result.code !== 0) {
        throw new Error(`psql over TLS exited ${result.code}: ${result.stderr}`);
    }
    return result.stdout.trim();
}

/** A pip package, pinned, installed once into `<cache>/<name>/<version>/site`: returns that directory, for PYTHONPATH. */
export async function pythonSite(name: string, version: string, requirement: string): Promise<string> {
    const dir = cacheDir(name, version);
    await installOnce(requirement, version, dir, async () => {
        await requireCommand("python3", ["-m", "pip", "--version"], PIP_INSTALL_STEP);
        await runChecked("python3", ["-m", "pip", "install", "--quiet", "--only-binary=:all:", "--target", path.join(dir, "site"), requirement]);
    });
    return path.join(dir, "site");
}

/** psycopg with its bundled libpq, pinned: the libpq 17 client that can start TLS directly. */
export const PSYCOPG = "3.3.9";
const LIBPQ_DIRECT_TLS = 170000;

const PSYCOPG_QUERY = [
    "import json, sys, psycopg",
    "if psycopg.pq.version() < int(sys.argv[3]): sys.exit(f'libpq {psycopg.pq.version()} cannot start TLS directly')",
    "with psycopg.connect(sys.argv[1]) as c:",
    "    print(json.dumps({'libpq': psycopg.pq.version(), 'ssl': c.info.pgconn.ssl_in_use, 'rows': c.execute(sys.argv[2]).fetchall()}, default=str))",
].join("\n");

/**
 * One query through libpq 17: `sslnegotiation=postgres` (an SSLRequest first, the default) or
 * `direct` (TLS from the first byte). Both offer ALPN `postgresql`.
 */
export async function psycopgOverTls(endpoint: Endpoint, port: number, credentials: Credentials, negotiation: "postgres" | "direct", sql: string): Promise<{ libpq: number; ssl: boolean; rows: unknown[][] }> {
    const site = await pythonSite("psycopg", PSYCOPG, `psycopg[binary]==${PSYCOPG}`);
    const result = await runCommand("python3", ["-c", PSYCOPG_QUERY,
        conninfo(endpoint, port, credentials, `sslnegotiation=${negotiation}`), sql, String(LIBPQ_DIRECT_TLS)],
    { env: { ...process.env, PYTHONPATH: site, PGPASSWORD: credentials.password } });
    if (result.code !== 0) {
        throw new Error(`psycopg (sslnegotiation=${negotiation}) exited ${result.code}: ${result.stderr}`);
    }
    return JSON.parse(result.stdout) as { libpq: number; ssl: boolean; rows: unknown[][] };
}

/**
 * The JVM clients, pinned, from Maven Central: pgjdbc (the JDBC driver of BI tools and Java
 * applications) and QuestDB's official Java ILP client with the logging API it links against.
 */
const JARS = [
    { component: "pgjdbc", artifact: "org.postgresql:postgresql", version: "42.7.14" },
    { component: "questdb-client", artifact: "org.questdb:questdb-client", version: "1.0.1" },
    { component: "slf4j-api", artifact: "org.slf4j:slf4j-api", version: "2.0.17" },
] as const;
const JAVA_CLIENTS = path.join(__dirname, "JavaClients.java");
const TRUSTSTORE_PASSWORD = "e2e-truststore";

/** What the JVM and native clients need: their jars, the test CA as a trust store, and the public name resolving to the proxy. */
export interface ClientSetup {
    readonly classpath: string;
    /** A JKS trust store holding the test CA, for the ILP client's `tls_roots`. */
    readonly trustStore: string;
    /** Resolves the database's public name to the proxy's address, for this JVM only (Java and native lookups). */
    readonly hostsFile: string;
    /** nss_wrapper's library, preloaded so that the native lookups read `hostsFile`. */
    readonly nssWrapper: string;
}

export async function prepareClients(endpoint: Endpoint, dir: string): Promise<ClientSetup> {
    const jars: string[] = [];
    for (const jar of JARS) {
        jars.push(await installMavenJar(jar.component, jar.artifact, jar.version));
    }
    fs.mkdirSync(dir, { recursive: true });
    const trustStore = path.join(dir, "truststore.jks");
    fs.rmSync(trustStore, { force: true });
    await runChecked("keytool", ["-importcert", "-noprompt", "-alias", "e2e-ca", "-file", endpoint.caFile,
        "-keystore", trustStore, "-storetype", "JKS", "-storepass", TRUSTSTORE_PASSWORD]);
    const hostsFile = path.join(dir, "hosts");
    fs.writeFileSync(hostsFile, `${endpoint.address} ${endpoint.hostname}\n`);
    return { classpath: jars.join(path.delimiter), trustStore, hostsFile, nssWrapper: await ensureNssWrapper() };
}

/** Where Debian put nss_wrapper's library, if it is installed. */
function nssWrapperLibrary(): string | undefined {
    return fs.readdirSync("/usr/lib").map((d) => path.join("/usr/lib", d, "libnss_wrapper.so")).find((f) => fs.existsSync(f));
}

/**
 * nss_wrapper (cwrap.org): a hosts file for one process through LD_PRELOAD. QuestDB's ILP client
 * resolves names in its native library, which ignores the JVM's `jdk.net.hosts.file`.
 */
async function ensureNssWrapper(): Promise<string> {
    await ensureDebianTool({ pkg: "libnss-wrapper", what: "nss_wrapper", present: async () => nssWrapperLibrary() });
    return nssWrapperLibrary() as string;
}

async function runJava(clients: ClientSetup, args: readonly string[], password = ""): Promise<string> {
    const env = { ...process.env, E2E_CLIENT_PASSWORD: password, LD_PRELOAD: clients.nssWrapper, NSS_WRAPPER_HOSTS: clients.hostsFile };
    const result = await runCommand("java", [`-Djdk.net.hosts.file=${clients.hostsFile}`, "--add-exports", "java.base/jdk.internal.math=ALL-UNNAMED",
        "-cp", clients.classpath, JAVA_CLIENTS, ...args], { env });
    if (result.code !== 0) {
        throw new Error(`java ${args[0]} exited ${result.code}:\n${result.stdout}\n${result.stderr}`);
    }
    return result.stdout.trim();
}

/** One query through pgjdbc with `ssl=true` (the classic SSLRequest), verifying the certificate for the public name. */
export function pgjdbcOverTls(clients: ClientSetup, endpoint: Endpoint, port: number, credentials: Credentials, sql: string): Promise<string> {
    const url = `jdbc:postgresql://${endpoint.hostname}:${port}/qdb?ssl=true&sslmode=verify-full&sslrootcert=${endpoint.caFile}`;
    return runJava(clients, ["pgjdbc", url, credentials.user, sql], credentials.password);
}

/** One row through QuestDB's official Java ILP client, `tcps::` or `https::`, trusting the test CA. */
export async function javaIlp(clients: ClientSetup, endpoint: Endpoint, protocol: "tcps" | "https", port: number, table: string, credentials?: Credentials): Promise<void> {
    const auth = credentials ? `username=${credentials.user};password={password};` : "";
    const config = `${protocol}::addr=${endpoint.hostname}:${port};${auth}tls_roots=${clients.trustStore};tls_roots_password=${TRUSTSTORE_PASSWORD};`;
    await runJava(clients, ["ilp", config, table, protocol], credentials?.password);
}

/** QuestDB's official Python client (its core is the Rust client's, c-questdb-client), pinned. */
export const QUESTDB_PY = "6.0.0";

const PYTHON_ILP = [
    "import os, sys, questdb",
    "config = sys.argv[1].replace('{password}', os.environ.get('E2E_CLIENT_PASSWORD', ''))",
    "with questdb.Sender.from_conf(config) as sender:",
    "    sender.row(sys.argv[2], symbols={'client': sys.argv[3]}, columns={'v': 1}, at=questdb.TimestampNanos.now())",
].join("\n");

/**
 * One row through the official Python client, `tcps::` or `https::`, trusting the test CA's PEM.
 * Its native resolver reads the public name from `hostsFile` through nss_wrapper.
 */
export async function pythonIlp(clients: ClientSetup, endpoint: Endpoint, protocol: "tcps" | "https", port: number, table: string, credentials?: Credentials): Promise<void> {
    const site = await pythonSite("questdb-py", QUESTDB_PY, `questdb==${QUESTDB_PY}`);
    const auth = credentials ? `username=${credentials.user};password={password};` : "";
    const config = `${protocol}::addr=${endpoint.hostname}:${port};${auth}tls_roots=${endpoint.caFile};`;
    const result = await runCommand("python3", ["-W", "ignore", "-c", PYTHON_ILP, config, table, `python-${protocol}`],
        { env: { ...process.env, PYTHONPATH: site, LD_PRELOAD: clients.nssWrapper, NSS_WRAPPER_HOSTS: clients.hostsFile, E2E_CLIENT_PASSWORD: credentials?.password ?? "" } });
    if (result.code !== 0) {
        throw new Error(`the Python ILP client (${protocol}) exited ${result.code}: ${result.stderr}`);
    }
}
