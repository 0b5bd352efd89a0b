// The real tier's third-party AWS tools from PyPI (moto, policy_sentry, parliament, and AWS CLI v1
// for its current service models), pinned and installed once per machine into a virtual
// environment under the tier's cache, with pip as the machine configures it (no index is named).
import * as fs from "node:fs";
import * as path from "node:path";
import { cacheDir, installOnce } from "../support/cache";
import { runChecked } from "../support/process";

/** Every PyPI package the tier uses, pinned: the newest each served on 2026-12-04. */
export const PYTHON_PACKAGES = ["moto[server]==5.2.5", "policy_sentry==0.15.2", "parliament==1.6.4", "awscli==1.46.3"] as const;

/** The interpreter that makes the environment: `QDB_E2E_PYTHON`, else `python3` on PATH. */
function basePython(): string {
    return process.env.QDB_E2E_PYTHON || "python3";
}

/** A cache key that changes whenever a pin does, so a new pin gets a fresh environment. */
export function venvKey(packages: readonly string[] = PYTHON_PACKAGES): string {
    return packages.map((p) => p.replace(/[^A-Za-z0-9.=_-]/g, "")).join("+").replace(/==/g, "-");
}

/** The environment's `bin` directory, installed on first use. */
export async function ensurePythonTools(): Promise<string> {
    const dir = cacheDir("python", venvKey());
    await installOnce("python tools", PYTHON_PACKAGES.join(" "), dir, async () => {
        fs.rmSync(path.join(dir, "venv"), { recursive: true, force: true });
        await runChecked(basePython(), ["-m", "venv", path.join(dir, "venv")]);
        await runChecked(path.join(dir, "venv", "bin", "pip"), ["install", "--quiet", ...PYTHON_PACKAGES]);
    });
    return path.join(dir, "venv", "bin");
}
