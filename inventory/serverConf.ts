import { FieldReader } from "./fields";

/** Ports QuestDB listens on inside the pod. */
export const PORTS = { http: 9000, pg: 8812, ilp: 9009, status: 9003 } as const;

/**
 * server.conf keys the program owns. Binding and the health endpoint must match the Service and
 * probes; credentials come from the Kubernetes Secret, never from config.
 */
export const MANAGED_SERVER_CONF: Readonly<Record<string, string>> = {
    "http.bind.to": `0.0.0.0:${PORTS.http}`,
    "pg.net.bind.to": `0.0.0.0:${PORTS.pg}`,
    "line.tcp.net.bind.to": `0.0.0.0:${PORTS.ilp}`,
    "http.min.enabled": "true",
    "http.min.net.bind.to": `0.0.0.0:${PORTS.status}`,
    // With HTTP credentials set, /status and /metrics on 9003 would demand them too, failing every
    // probe and scrape. The NetworkPolicy already admits only monitoring to 9003.
    "http.health.check.authentication.required": "false",
    // Prometheus metrics at :9003/metrics. Always on, whether or not the region scrapes them: they
    // are cheap, and a per-region switch here would roll every pod when the switch flips.
    "metrics.enabled": "true",
    "telemetry.enabled": "false",
};

/** Keys whose values come from the credentials Secret through QDB_* environment variables. */
export const CREDENTIAL_KEYS = ["http.user", "http.password", "pg.user", "pg.password", "pg.readonly.user", "pg.readonly.password"];

/** QuestDB's query timeout in seconds; the HTTP path's timeout is derived from it (httpLimits). */
export const QUERY_TIMEOUT_KEY = "query.timeout.sec";

const KEY = /^[a-z][a-z0-9]*([._-][a-z0-9]+)*$/;

/** Validates a database's `serverConf` map and returns it with every value as a string. */
export function checkServerConf(d: FieldReader): Record<string, string> | undefined {
    const conf = d.optionalObject("serverConf", "{<server.conf key>: <value>}");
    if (!conf) {
        return d.has("serverConf") ? undefined : {};
    }
    const result: Record<string, string> = {};
    let ok = true;
    for (const [key, value] of conf.entries()) {
        if (!KEY.test(key)) {
            conf.problem(key, "is not a server.conf key", "use a lowercase dotted key such as cairo.max.uncommitted.rows");
            ok = false;
        } else if (CREDENTIAL_KEYS.includes(key)) {
            conf.problem(key, "credentials are managed by the program and stored as Pulumi secrets", "remove it; rotate credentials through questdb-cloud:credentialsSeed");
            ok = false;
        } else if (key in MANAGED_SERVER_CONF) {
            conf.problem(key, "is managed by the program so that ports, probes and Service agree", "remove it");
            ok = false;
        } else if (key === QUERY_TIMEOUT_KEY && !(Number(value) > 0 && Number.isFinite(Number(value)))) {
            conf.problem(key, "expected a positive number of seconds", `set ${conf.path(key)} to seconds, such as 120; the HTTP path's timeout follows it`);
            ok = false;
        } else if (!["string", "number", "boolean"].includes(typeof value) || value === "") {
            conf.problem(key, "expected a string, number or boolean", "give the key a plain value");
            ok = false;
        } else {
            result[key] = String(value);
        }
    }
    return ok ? result : undefined;
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
