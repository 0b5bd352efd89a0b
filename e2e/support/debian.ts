import { runChecked, runCommand } from "./process";

/** One Debian package the tier needs, and how to tell that it is there. */
export interface DebianTool {
    /** The package to install. */
    readonly pkg: string;
    /** What it is for, in the tier's log. */
    readonly what: string;
    /** A one-line version when installed, undefined when missing. */
    present(): Promise<string | undefined>;
}

/** The `apt-get install` line README and every error message give for a package. */
export function installStep(pkg: string): string {
    return `apt-get install -y ${pkg}`;
}

/**
 * Finds a Debian package's tool, or installs it on first use (CI runs as root); elsewhere a
 * missing one is an error naming the install step, never a skipped test. Returns its version line.
 */
export async function ensureDebianTool(tool: DebianTool): Promise<string> {
    const found = await tool.present();
    if (found !== undefined) {
        return found;
    }
    if (process.getuid?.() !== 0) {
        throw new Error(`the real-components tier needs ${tool.what}, which is not installed: run \`${installStep(tool.pkg)}\` (README "Tests")`);
    }
    const started = Date.now();
    console.log(`[e2e] ${tool.what} missing: ${installStep(tool.pkg)}`);
    const env = { ...process.env, DEBIAN_FRONTEND: "noninteractive" };
    if ((await runCommand("apt-cache", ["show", tool.pkg], { env })).code !== 0) {
        await runChecked("apt-get", ["update"], { env });
    }
    await runChecked("apt-get", ["install", "-y", "--no-install-recommends", tool.pkg], { env });
    const version = await tool.present();
    if (version === undefined) {
        throw new Error(`${installStep(tool.pkg)} succeeded, but ${tool.what} is still not found`);
    }
    console.log(`[e2e] ${tool.pkg} installed from Debian in ${((Date.now() - started) / 1000).toFixed(1)} s: ${version}`);
    return version;
}

/** The first line a command prints for `args`, or undefined when it is not installed or fails. */
export async function commandVersion(command: string, args: readonly string[]): Promise<string | undefined> {
    const result = await runCommand(command, args);
    return result.code === 0 ? `${result.stdout}${result.stderr}`.split("\n")[0] : undefined;
}
