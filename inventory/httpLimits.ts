import { DEFAULTS } from "./defaults";
import { QUERY_TIMEOUT_KEY } from "./serverConf";

/** What the HTTP path in front of one database must allow. */
export interface HttpLimits {
    /** Largest request body: /imp uploads and ILP-over-HTTP batches. */
    readonly maxBodyBytes: number;
    /** How long a request may take end to end, upload and response included. */
    readonly timeoutSeconds: number;
}

/**
 * The limits of a database's HTTP path, tied to its own query timeout: a query may run for
 * `query.timeout.sec` (QuestDB's default when unset) and then stream its result, so the proxy
 * waits that long plus a margin, and never less than the floor that a 1 GiB upload needs on a
 * modest link. Pure; the validator has already checked the value is a positive number.
 */
export function httpLimits(serverConf: Readonly<Record<string, string>>): HttpLimits {
    const { maxBodyBytes, questdbQueryTimeoutSec, timeoutMarginSec, minTimeoutSec } = DEFAULTS.http;
    const queryTimeout = serverConf[QUERY_TIMEOUT_KEY] !== undefined ? Number(serverConf[QUERY_TIMEOUT_KEY]) : questdbQueryTimeoutSec;
    return { maxBodyBytes, timeoutSeconds: Math.max(minTimeoutSec, Math.ceil(queryTimeout) + timeoutMarginSec) };
}
