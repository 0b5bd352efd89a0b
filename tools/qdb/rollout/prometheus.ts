/**
 * The alert gate's question to Prometheus: which of our alerts are active (pending or firing).
 * `GET /api/v1/alerts` lists every active alert with its labels and `state` (Prometheus HTTP API,
 * "Alerts"); our rules (components/monitoring/alertRules.ts) put static `database` and `stack`
 * labels on every alert, so "ours, for this database" is a label match, not a name list.
 * The token comes from the environment, never argv or config, and is never printed.
 */
import * as fs from "fs";
import { QdbError } from "../errors";

/** Where the bearer token is read from: the variable itself, or a file it names (a mounted secret). */
export const TOKEN_ENV = "QDB_PROMETHEUS_TOKEN";
export const TOKEN_FILE_ENV = "QDB_PROMETHEUS_TOKEN_FILE";

export interface ActiveAlert {
    readonly alertname: string;
    readonly database: string;
    readonly stack: string;
    /** "pending" (its `for` has not elapsed) or "firing": both stop a rollout. */
    readonly state: string;
    readonly activeAt?: string;
}

/** The bearer token, or undefined for a Prometheus without auth (a port-forward, the test tier). */
export function prometheusToken(env: NodeJS.ProcessEnv = process.env): string | undefined {
    if (env[TOKEN_ENV]) {
        return env[TOKEN_ENV];
    }
    const file = env[TOKEN_FILE_ENV];
    if (!file) {
        return undefined;
    }
    try {
        return fs.readFileSync(file, "utf8").trim();
    } catch (error) {
        throw new QdbError(`${TOKEN_FILE_ENV} names ${file}, which cannot be read (${(error as NodeJS.ErrnoException).code ?? (error as Error).message}): the alert gate cannot be checked. Fix: point it at the mounted token file, or unset it`);
    }
}

/** Active alerts that carry our `database` and `stack` labels, from the `/api/v1/alerts` body. */
export function parseAlerts(body: unknown, url: string): ActiveAlert[] {
    const answer = body as { status?: string; error?: string; data?: { alerts?: unknown } };
    if (answer?.status !== "success" || !Array.isArray(answer.data?.alerts)) {
        throw new QdbError(`Prometheus at ${url} did not answer /api/v1/alerts with a list of alerts (${answer?.error ?? `status ${String(answer?.status)}`}): the alert gate cannot be checked`);
    }
    return (answer.data.alerts as { labels?: Record<string, string>; state?: string; activeAt?: string }[])
        .filter((a) => a.labels?.database && a.labels?.stack && (a.state === "pending" || a.state === "firing"))
        .map((a) => ({
            alertname: String(a.labels?.alertname), database: String(a.labels?.database), stack: String(a.labels?.stack), state: String(a.state),
            ...(a.activeAt ? { activeAt: a.activeAt } : {}),
        }));
}

/** Asks Prometheus; any failure to get an answer is a refusal to go on, never a pass. */
export async function activeAlerts(url: string, token = prometheusToken()): Promise<ActiveAlert[]> {
    const endpoint = `${url.replace(/\/+$/, "")}/api/v1/alerts`;
    let response: Response;
    try {
        response = await fetch(endpoint, { headers: token ? { Authorization: `Bearer ${token}` } : {}, signal: AbortSignal.timeout(30_000) });
    } catch (error) {
        const cause = (error as { cause?: { code?: string; message?: string } }).cause;
        const why = cause?.code ?? cause?.message ?? (error as Error).message;
        throw new QdbError(`cannot reach Prometheus at ${endpoint} (${why}): the alert gate cannot be checked, so no wave is written. Fix: run where the in-VPC Prometheus is reachable (docs/ci.md, "Rollout gates")`);
    }
    if (!response.ok) {
        throw new QdbError(`Prometheus at ${endpoint} answered HTTP ${response.status}${response.status === 401 || response.status === 403 ? ` (set ${TOKEN_ENV} or ${TOKEN_FILE_ENV})` : ""}: the alert gate cannot be checked, so no wave is written`);
    }
    let body: unknown;
    try {
        body = await response.json();
    } catch {
        throw new QdbError(`Prometheus at ${endpoint} answered with no JSON: the alert gate cannot be checked`);
    }
    return parseAlerts(body, url);
}
