// A real Prometheus Pushgateway for the real-components tier: Debian's `prometheus-pushgateway`,
// installed on first use like promtool (e2e/promtool/install.ts), run on a free loopback port.
import { commandVersion, ensureDebianTool } from "../support/debian";
import { freeLoopbackPort, pollUntil, spawnLogged } from "../support/process";

export const PUSHGATEWAY_COMMAND = "prometheus-pushgateway";

/** Debian's Pushgateway, installed on first use like promtool (e2e/support/debian.ts). */
export function ensurePushgateway(): Promise<string> {
    return ensureDebianTool({ pkg: "prometheus-pushgateway", what: "the Pushgateway", present: () => commandVersion(PUSHGATEWAY_COMMAND, ["--version"]) });
}

export interface RunningPushgateway {
    /** `http://127.0.0.1:<port>`: what PUSHGATEWAY_URL is set to. */
    readonly url: string;
    /** The text Prometheus would scrape from /metrics. */
    metrics(): Promise<string>;
    stop(): Promise<void>;
}

/** Starts a Pushgateway on a free loopback port, in memory only, and waits until it is ready. */
export async function startPushgateway(): Promise<RunningPushgateway> {
    await ensurePushgateway();
    const port = await freeLoopbackPort();
    const url = `http://127.0.0.1:${port}`;
    const server = spawnLogged("pushgateway", PUSHGATEWAY_COMMAND, [`--web.listen-address=127.0.0.1:${port}`]);
    await pollUntil(`the Pushgateway on ${url}`, 30_000, async () => ((await fetch(`${url}/-/ready`)).ok ? true : undefined), server.exited);
    return { url, metrics: async () => (await fetch(`${url}/metrics`)).text(), stop: server.stop };
}

/**
 * The samples of a /metrics text whose labels include all of `match`, as `name{labels}` -> value,
 * labels sorted, so that a test compares them whole.
 */
export function samplesMatching(text: string, match: Readonly<Record<string, string>>): Map<string, number> {
    const found = new Map<string, number>();
    for (const line of text.split("\n")) {
        const sample = /^([a-zA-Z_:][a-zA-Z0-9_:]*)\{([^}]*)\} (\S+)$/.exec(line);
        if (!sample) {
            continue;
        }
        const labels = Object.fromEntries([...sample[2].matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g)].map((m) => [m[1], m[2]]));
        if (Object.entries(match).every(([k, v]) => labels[k] === v)) {
            const sorted = Object.keys(labels).sort().map((k) => `${k}="${labels[k]}"`).join(",");
            found.set(`${sample[1]}{${sorted}}`, Number(sample[3]));
        }
    }
    return found;
}
