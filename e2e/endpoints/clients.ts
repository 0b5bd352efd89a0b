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
import { requireCommand, runChecked, runCommand } from "../support/process";
import { PSQL_INSTALL_STEP } from "../questdb/clients";
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
}

/** An HTTPS request that verifies the certificate for `hostname`; `localAddress` picks the client's source. */
export function httpsRequest(endpoint: Endpoint, port: number, pathAndQuery: string,
    options: { credentials?: Credentials; method?: string; body?: Buffer; localAddress?: string } = {}): Promise<HttpsAnswer> {
    const headers: Record<string, string> = { host: endpoint.hostname };
    if (options.credentials) {
        headers.authorization = `Basic ${Buffer.from(`${options.credentials.user}:${options.credentials.password}`).toString("base64")}`;
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
                authorization: `Basic ${Buffer.from(`${credentials.user}:${credentials.password}`).toString("base64")}`,
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

/** psycopg with its bundled libpq, pinned: the libpq 17 client that can start TLS directly. */
const PSYCOPG = "3.3.9";
const LIBPQ_DIRECT_TLS = 170000;

async function installPsycopg(): Promise<string> {
    const dir = cacheDir("psycopg", PSYCOPG);
    await installOnce("psycopg[binary]", PSYCOPG, dir, async () => {
        await requireCommand("python3", ["-m", "pip", "--version"], PIP_INSTALL_STEP);
        await runChecked("python3", ["-m", "pip", "install", "--quiet", "--only-binary=:all:", "--target", path.join(dir, "site"), `psycopg[binary]==${PSYCOPG}`]);
    });
    return path.join(dir, "site");
}

const PSYCOPG_QUERY = [
    "import json, sys, psycopg",
    "if psycopg.pq.version() < int(sys.argv[3]): sys.exit(f'libpq {psycopg.pq.version()} cannot start TLS directly')",
    "with psycopg.connect(sys.argv[1]) as c:",
    "    print(json.dumps({'libpq': psycopg.pq.version(), 'ssl': c.info.pgconn.ssl_in_use, 'rows': c.execute(sys.argv[2]).fetchall()}, default=str))",
].join("\n");

/** One query through libpq 17 with `sslnegotiation=direct`: TLS from the first byte, no SSLRequest. */
export async function psycopgDirectTls(endpoint: Endpoint, port: number, credentials: Credentials, sql: string): Promise<{ libpq: number; ssl: boolean; rows: unknown[][] }> {
    const site = await installPsycopg();
    const result = await runCommand("python3", ["-c", PSYCOPG_QUERY,
        conninfo(endpoint, port, credentials, "sslnegotiation=direct"), sql, String(LIBPQ_DIRECT_TLS)],
    { env: { ...process.env, PYTHONPATH: site, PGPASSWORD: credentials.password } });
    if (result.code !== 0) {
        throw new Error(`psycopg (direct TLS) exited ${result.code}: ${result.stderr}`);
    }
    return JSON.parse(result.stdout) as { libpq: number; ssl: boolean; rows: unknown[][] };
}
