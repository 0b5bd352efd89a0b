/** qdb as an operator runs it: the launcher npm links into node_modules/.bin, spawned as a child process. */
import { spawnSync } from "child_process";
import * as path from "path";

export const PROJECT_DIR = path.join(__dirname, "..", "..");
export const LAUNCHER = path.join(PROJECT_DIR, "tools", "qdb-bin", "qdb.js");

export interface Spawned {
    readonly code: number | null;
    readonly out: string;
    readonly err: string;
}

/** Runs `qdb argv...` in `cwd`; `env` is added to (or, with a key set to undefined, removed from) this process's. */
export function spawnQdb(cwd: string, argv: readonly string[], env: NodeJS.ProcessEnv = {}): Spawned {
    const result = spawnSync(process.execPath, [LAUNCHER, ...argv], { cwd, encoding: "utf8", timeout: 60_000, env: { ...process.env, ...env } });
    return { code: result.status, out: result.stdout, err: result.stderr };
}
