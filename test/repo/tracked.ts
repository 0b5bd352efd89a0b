import { execFileSync } from "child_process";

/** The files git tracks in the checkout at `root`, as paths relative to it. */
export function trackedFiles(root: string): string[] {
    return execFileSync("git", ["ls-files", "-z"], { cwd: root, encoding: "utf8", maxBuffer: 64 * 1024 * 1024 }).split("\0").filter(Boolean);
}
