import { requireCommand, runCommand, runChecked } from "../support/process";

export const PROMTOOL_INSTALL_STEP = "apt-get install -y prometheus";

/**
 * promtool from Debian's `prometheus` package. The tier installs it on first use (CI runs as
 * root); elsewhere a missing promtool is an error naming the install step.
 */
export async function ensurePromtool(): Promise<string> {
    const present = await runCommand("promtool", ["--version"]);
    if (present.code === 0) {
        return `${present.stdout}${present.stderr}`.split("\n")[0];
    }
    if (process.getuid?.() !== 0) {
        await requireCommand("promtool", ["--version"], PROMTOOL_INSTALL_STEP);
    }
    const started = Date.now();
    console.log(`[e2e] promtool missing: ${PROMTOOL_INSTALL_STEP}`);
    const env = { ...process.env, DEBIAN_FRONTEND: "noninteractive" };
    const known = await runCommand("apt-cache", ["show", "prometheus"], { env });
    if (known.code !== 0) {
        await runChecked("apt-get", ["update"], { env });
    }
    await runChecked("apt-get", ["install", "-y", "--no-install-recommends", "prometheus"], { env });
    const version = await requireCommand("promtool", ["--version"], PROMTOOL_INSTALL_STEP);
    console.log(`[e2e] prometheus (promtool) installed from Debian in ${((Date.now() - started) / 1000).toFixed(1)} s: ${version.split("\n")[0]}`);
    return version.split("\n")[0];
}
