/**
 * Kills the Pulumi CLI the way a cancelled or timed-out CI job does (issue 25.1): SIGKILL to the
 * CLI and every plugin it started, so no handler runs and nothing is flushed. Where to kill comes
 * from the engine's own events (a step started, an await reporting progress), never from a timer.
 */
import * as fs from "fs";
import type { EngineEvent } from "@pulumi/pulumi/automation";

/** The parent of every live process, from /proc. */
function parents(): Map<number, number> {
    const byPid = new Map<number, number>();
    for (const entry of fs.readdirSync("/proc")) {
        if (!/^\d+$/.test(entry)) {
            continue;
        }
        try {
            // Fields after the command name, which sits in parentheses and may contain spaces.
            const stat = fs.readFileSync(`/proc/${entry}/stat`, "utf8");
            const ppid = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
            byPid.set(Number(entry), ppid);
        } catch {
            // exited while we read
        }
    }
    return byPid;
}

/** A process and all of its descendants. */
export function processTree(root: number): number[] {
    const byPid = parents();
    const tree = [root];
    for (let i = 0; i < tree.length; i++) {
        for (const [pid, ppid] of byPid) {
            if (ppid === tree[i]) {
                tree.push(pid);
            }
        }
    }
    return tree;
}

/** This process's children that run `executable` (the Automation API starts the CLI directly). */
export function childrenRunning(executable: string): number[] {
    const mine = [...parents()].filter(([, ppid]) => ppid === process.pid).map(([pid]) => pid);
    return mine.filter((pid) => {
        try {
            return fs.readFileSync(`/proc/${pid}/cmdline`, "utf8").split("\0")[0] === executable;
        } catch {
            return false;
        }
    });
}

/** SIGKILLs the CLI and its plugins; returns how many processes died. */
export function killCli(executable: string): number {
    const clis = childrenRunning(executable);
    if (clis.length !== 1) {
        throw new Error(`expected one running ${executable} under this process, found ${clis.length}`);
    }
    // Collect first: once the CLI dies, its plugins are reparented and no longer look like its tree.
    const tree = processTree(clis[0]);
    for (const pid of tree) {
        try {
            process.kill(pid, "SIGKILL");
        } catch {
            // already gone
        }
    }
    return tree.length;
}

/** Where to kill an `up`: the first engine event that matches, then whatever must be true before the kill. */
export interface KillPoint {
    /** Shown in the figures and failures. */
    readonly name: string;
    readonly at: (event: EngineEvent) => boolean;
    /** Waits, after the event, for the state the kill must interrupt (the cloud has made the resource). */
    readonly then?: () => Promise<void>;
}

/** The step of the resource named `name` (the URN's last part) started, with this op. */
export function stepStarted(name: string, op: string): (event: EngineEvent) => boolean {
    return (e) => {
        const m = e.resourcePreEvent?.metadata;
        return m !== undefined && m.op === op && m.urn.endsWith(`::${name}`);
    };
}

/** The provider reported progress of its await on the resource named `name` (ephemeral status). */
export function awaitReported(name: string): (event: EngineEvent) => boolean {
    return (e) => e.diagnosticEvent?.ephemeral === true && (e.diagnosticEvent.urn ?? "").endsWith(`::${name}`);
}

/** Polls until `check` holds; fails naming `what`. */
export async function until(what: string, check: () => boolean | Promise<boolean>, timeoutMs = 60_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!(await check())) {
        if (Date.now() > deadline) {
            throw new Error(`timed out after ${timeoutMs / 1000} s waiting for ${what}`);
        }
        await new Promise((r) => setTimeout(r, 100));
    }
}
