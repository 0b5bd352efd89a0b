import { FieldReader } from "./fields";
import { readAllowedUnknown, unknownKeyProblem } from "./serverConfKeys";

/** Ports QuestDB listens on inside the pod. */
export const PORTS = { http: 9000, pg: 8812, ilp: 9009, status: 9003 } as const;

/**
 * How the program treats a server.conf key a database sets:
 * - managed: the program owns the key; setting it is refused, with the reason.
 * - dangerous: it can take the database off the air or lose data; refused unless the entry names
 *   the key in `allowDangerousServerConf` (a deliberate, reviewed opt-in per database).
 * - any other well-formed key is free.
 */
export type ServerConfClass = "managed" | "dangerous";

export interface ServerConfRule {
    readonly class: ServerConfClass;
    /** Why the key is managed or dangerous, as the error message says it. */
    readonly reason: string;
    /** For managed keys the program sets: the value it writes into every server.conf. */
    readonly value?: string;
}

const CREDENTIALS = "credentials are managed by the program (derived from questdb-cloud:credentialsSeed, stored as Pulumi secrets)";
const BINDING = "is managed by the program so that ports, probes and the Service agree";

/**
 * The one table of server.conf keys the program treats specially. Sources: QuestDB's
 * configuration reference (https://questdb.io/docs/configuration/) for what each key does.
 */
export const SERVER_CONF_KEYS: Readonly<Record<string, ServerConfRule>> = {
    "http.bind.to": { class: "managed", reason: BINDING, value: `0.0.0.0:${PORTS.http}` },
    "pg.net.bind.to": { class: "managed", reason: BINDING, value: `0.0.0.0:${PORTS.pg}` },
    "line.tcp.net.bind.to": { class: "managed", reason: BINDING, value: `0.0.0.0:${PORTS.ilp}` },
    "http.min.enabled": { class: "managed", reason: "is managed by the program: the probes and metrics use the status port", value: "true" },
    "http.min.net.bind.to": { class: "managed", reason: BINDING, value: `0.0.0.0:${PORTS.status}` },
    // With HTTP credentials set, /status and /metrics on 9003 would demand them too, failing every
    // probe and scrape. The NetworkPolicy already admits only monitoring to 9003.
    "http.health.check.authentication.required": { class: "managed", reason: "is managed by the program: probes and scrapes carry no credentials", value: "false" },
    // Prometheus metrics at :9003/metrics. Always on, whether or not the region scrapes them: they
    // are cheap, and a per-region switch here would roll every pod when the switch flips.
    "metrics.enabled": { class: "managed", reason: "is managed by the program: the region's monitoring scrapes every database", value: "true" },
    "telemetry.enabled": { class: "managed", reason: "is managed by the program: tenant data never leaves the region", value: "false" },
    // The data directory is the EBS volume's mount; anywhere else is the pod's emptyDir, lost on restart.
    // Acknowledged rows must survive the loss of the node (its page cache), not only a crash of the
    // process: every commit waits for its flush (docs/decisions.md, "Commit mode").
    "cairo.commit.mode": { class: "managed", reason: "is managed by the program: every commit is flushed to the EBS volume before it is acknowledged, so losing the node loses no acknowledged row (docs/decisions.md, \"Commit mode\")", value: "sync" },
    "cairo.root": { class: "managed", reason: "is managed by the program: data must live on the EBS volume; any other path is an emptyDir, lost on restart" },
    "cairo.sql.backup.root": { class: "managed", reason: "is managed by the program: backups are EBS snapshots; a path here fills the pod's emptyDir" },
    "http.user": { class: "managed", reason: CREDENTIALS },
    "http.password": { class: "managed", reason: CREDENTIALS },
    "pg.user": { class: "managed", reason: CREDENTIALS },
    "pg.password": { class: "managed", reason: CREDENTIALS },
    "pg.readonly.user": { class: "managed", reason: CREDENTIALS },
    "pg.readonly.password": { class: "managed", reason: CREDENTIALS },
    "pg.readonly.user.enabled": { class: "managed", reason: CREDENTIALS },
    "http.enabled": { class: "dangerous", reason: "false turns off the web console and REST API: the endpoint and its health go dark" },
    "pg.enabled": { class: "dangerous", reason: "false turns off the PostgreSQL wire endpoint that customers query through" },
    "line.tcp.enabled": { class: "dangerous", reason: "false turns off ILP ingestion: writers fail" },
    "line.http.enabled": { class: "dangerous", reason: "false turns off ILP over HTTP: writers fail" },
    "http.security.readonly": { class: "dangerous", reason: "true makes the database read-only over HTTP: writers fail" },
    "pg.security.readonly": { class: "dangerous", reason: "true makes the database read-only over PostgreSQL: writers fail" },
};

/** The managed keys that carry a value, as the program writes them into every server.conf. */
export const MANAGED_SERVER_CONF: Readonly<Record<string, string>> = Object.fromEntries(
    Object.entries(SERVER_CONF_KEYS).filter(([, r]) => r.value !== undefined).map(([k, r]) => [k, r.value as string]));

/** Keys whose values come from the credentials Secret through QDB_* environment variables. */
export const CREDENTIAL_KEYS = ["http.user", "http.password", "pg.user", "pg.password", "pg.readonly.user", "pg.readonly.password"];

/** The dangerous keys, for `allowDangerousServerConf`. */
export const DANGEROUS_SERVER_CONF = Object.keys(SERVER_CONF_KEYS).filter((k) => SERVER_CONF_KEYS[k].class === "dangerous");

/** QuestDB's query timeout in seconds; the HTTP path's timeout is derived from it (httpLimits). */
export const QUERY_TIMEOUT_KEY = "query.timeout.sec";

const KEY = /^[a-z][a-z0-9]*([._-][a-z0-9]+)*$/;
/** A control character (a newline would write a second, unchecked line into server.conf). */
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/;

/** Reads `allowDangerousServerConf`: a list of dangerous keys this database may set. */
function readAllowed(d: FieldReader): Set<string> | undefined {
    const raw = d.raw("allowDangerousServerConf");
    if (raw === undefined) {
        return new Set();
    }
    const fix = `list keys from ${DANGEROUS_SERVER_CONF.join(", ")}, such as allowDangerousServerConf: [pg.enabled]`;
    if (!Array.isArray(raw)) {
        d.problem("allowDangerousServerConf", "expected a list of server.conf keys", fix);
        return undefined;
    }
    let ok = true;
    for (const [i, key] of Array.from(raw).entries()) {
        if (typeof key !== "string" || !DANGEROUS_SERVER_CONF.includes(key)) {
            d.problem(`allowDangerousServerConf.${i}`, "is not a dangerous server.conf key (free keys need no opt-in; managed keys cannot be set)", fix, key);
            ok = false;
        }
    }
    return ok ? new Set(raw as string[]) : undefined;
}

/**
 * Validates a database's `serverConf` map and returns it with every value as a string; keys are
 * checked against the key list of `questdbVersion` (unchecked when the version is unresolved).
 */
export function checkServerConf(d: FieldReader, questdbVersion?: string): Record<string, string> | undefined {
    const allowed = readAllowed(d);
    const unknown = readAllowedUnknown(d, questdbVersion);
    const conf = d.optionalObject("serverConf", "{<server.conf key>: <value>}");
    if (!conf) {
        return d.has("serverConf") || !allowed || !unknown ? undefined : {};
    }
    const result: Record<string, string> = {};
    let ok = allowed !== undefined && unknown !== undefined;
    for (const [key, value] of conf.entries()) {
        const problem = serverConfProblem(key, value, allowed ?? new Set()) ?? unknownKeyProblem(key, questdbVersion, unknown ?? new Set());
        if (problem) {
            conf.problem(key, problem.reason, problem.fix);
            ok = false;
        } else {
            result[key] = String(value);
        }
    }
    return ok ? result : undefined;
}

/** What is wrong with one server.conf entry, or undefined when it may be written. */
function serverConfProblem(key: string, value: unknown, allowed: ReadonlySet<string>): { reason: string; fix: string } | undefined {
    if (CONTROL.test(key) || !KEY.test(key)) {
        return { reason: "is not a server.conf key", fix: "use a lowercase dotted key such as cairo.max.uncommitted.rows, with no spaces or control characters" };
    }
    const rule = SERVER_CONF_KEYS[key];
    if (rule?.class === "managed") {
        return { reason: rule.reason, fix: CREDENTIAL_KEYS.includes(key) ? "remove it; rotate credentials through questdb-cloud:credentialsSeed" : "remove it" };
    }
    if (!["string", "number", "boolean"].includes(typeof value) || value === "") {
        return { reason: "expected a string, number or boolean", fix: "give the key a plain value" };
    }
    if (CONTROL.test(String(value))) {
        return { reason: "the value contains a control character (a newline would add an unchecked line to server.conf)", fix: "write the value on one line, without control characters" };
    }
    if (key === QUERY_TIMEOUT_KEY && !(Number(value) > 0 && Number.isFinite(Number(value)))) {
        return { reason: "expected a positive number of seconds", fix: `set serverConf.${key} to seconds, such as 120; the HTTP path's timeout follows it` };
    }
    if (rule?.class === "dangerous" && !allowed.has(key)) {
        return { reason: `is a dangerous key: ${rule.reason}`,
            fix: `remove it, or add "${key}" to this database's allowDangerousServerConf list after review` };
    }
    return undefined;
}

/**
 * The server.conf text: managed keys, then overrides, sorted so that key order in YAML never
 * changes the checksum that rolls the pod.
 */
export function renderServerConf(overrides: Readonly<Record<string, string>>): string {
    const merged = { ...overrides, ...MANAGED_SERVER_CONF };
    return Object.keys(merged)
        .sort()
        .map((key) => `${key}=${merged[key]}\n`)
        .join("");
}
