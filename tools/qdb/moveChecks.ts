/**
 * What `qdb move` refuses before it edits anything (docs/decisions.md, "Moving a database between
 * cells"): a move is a rewrite of state, so it is allowed only where the database's resources
 * would be the same in the destination. Pure, over the two files as written.
 */
import { DatabaseSpec, StackFile, formatMaintenanceWindow, offlineInventoryOf, shellAssignment } from "../../inventory";
import { clusterKeyOf } from "../../inventory/cellChecks";
import { isMovedEntry } from "../../inventory/moves";

function regionOf(file: StackFile): Record<string, unknown> {
    const region = file.raw.region;
    return typeof region === "object" && region !== null ? region as Record<string, unknown> : {};
}

/** The entry of `id` as written, or undefined. */
export function rawEntry(file: StackFile, id: string): Record<string, unknown> | undefined {
    const databases = Array.isArray(file.raw.databases) ? file.raw.databases : [];
    return databases.find((d): d is Record<string, unknown> => typeof d === "object" && d !== null && (d as { id?: unknown }).id === id);
}

/** Why the two stacks cannot exchange a database by state alone, or nothing. */
export function clusterRefusal(source: StackFile, dest: StackFile): string | undefined {
    const [from, to] = [clusterKeyOf(source), clusterKeyOf(dest)];
    if (from !== to) {
        return `${source.path} is on cluster ${from ?? "(none)"} and ${dest.path} on cluster ${to ?? "(none)"}: \`pulumi state move\` keeps each moved resource's provider, `
            + "so the database's Kubernetes objects would stay bound to the source cluster's provider while the destination's program manages them with its own, "
            + "and its volume, node and DNS name would have to change cluster, which no state rewrite does. A move between clusters is a migration, not a move: "
            + "restore a snapshot into a new database in the destination (restoreFromSnapshot), then decommission this one (docs/runbook.md, \"Move a database between cells\")";
    }
    const unshared = [source, dest].filter((f) => regionOf(f).sharedClusterOwner === undefined);
    if (unshared.length > 0) {
        return `${unshared.map((f) => f.path).join(" and ")} set${unshared.length === 1 ? "s" : ""} no sharedClusterOwner: a database moves only between cells of one shared cluster. `
            + "Fix: make the cluster shared first (docs/decisions.md, \"Cells\")";
    }
    return undefined;
}

/**
 * Why the database itself cannot move: a resource of it that the destination would render
 * differently (a per-cell name), or a state in which there is nothing to move.
 */
export function databaseRefusals(database: DatabaseSpec, source: StackFile, dest: StackFile): string[] {
    const found: string[] = [];
    const { id } = database;
    if (database.state === "decommissioned") {
        found.push(`database "${id}" is decommissioned: only its volume and final snapshot are left, and they need no cell. Fix: remove it (\`npx qdb remove --stack ${source.stack} ${id}\`) instead of moving it`);
    }
    if (database.nodeProvisioner === "karpenter") {
        found.push(`database "${id}" runs on Karpenter: its NodePool names its cell's EC2NodeClass, whose name carries the cell's stack on a cell (cellScopedName), `
            + `so in ${dest.stack} it would name another class, and a NodePool whose class changes is drifted: Karpenter would replace its node (a pod move). Fix: none by a move; it stays in ${source.stack}`);
    }
    // As components/restoreDrills.ts `drilledDatabases` (not imported: it loads the Pulumi SDK into qdb).
    if (database.state === "active" && database.backup.drill !== undefined) {
        found.push(`database "${id}" has a restore drill (backup.drill): its drill CronJob lives in its cell's drills namespace and would be deleted in ${source.stack} and created in ${dest.stack}, not moved. `
            + `Fix: move it without a drill (unset backup.drill on the entry, or set the region's defaults.backup.drill aside), and set the drill again in ${dest.stack} afterwards`);
    }
    if (database.adopt) {
        found.push(`database "${id}" has an adopt block (step ${database.adopt.step}): the destination's program judges an adoption against its own last deployment, which never imported these resources. Fix: none by a move; it stays in its cell`);
    }
    return found;
}

/** Every reason `qdb move` refuses, before any edit; empty when the move can go ahead. */
export function moveRefusals(source: StackFile, dest: StackFile, id: string): string[] {
    const entry = rawEntry(source, id);
    if (!entry) {
        return [`${source.path} has no database "${id}". Run \`npx qdb list --stack ${source.stack}\` to see its databases`];
    }
    if (isMovedEntry(entry)) {
        return [`database "${id}" already moved from ${source.stack} to ${String(entry.movedTo)}: its entry in ${source.path} is the marker`];
    }
    const there = rawEntry(dest, id);
    if (there && !isMovedEntry(there)) {
        return [`${dest.path} already has a database "${id}": an id is unique across the cluster's stacks. Run \`npx qdb validate --all\` to see the clash`];
    }
    const cluster = clusterRefusal(source, dest);
    if (cluster) {
        return [cluster];
    }
    const database = offlineInventoryOf(source).databases.find((d) => d.id === id);
    return database ? databaseRefusals(database, source, dest) : [];
}

/** Derived from other fields, or the move's own record: never written on an entry. */
const NOT_SETTINGS = new Set(["architecture", "originStack"]);

/** A database's resolved settings as leaves, `volume.sizeGiB` to 50; a list or a window is one leaf. */
export function settingLeaves(database: DatabaseSpec): Map<string, unknown> {
    const leaves = new Map<string, unknown>();
    const walk = (value: unknown, at: string): void => {
        if (at === "maintenanceWindow" && value !== undefined) {
            leaves.set(at, formatMaintenanceWindow(value as Parameters<typeof formatMaintenanceWindow>[0]));
        } else if (typeof value === "object" && value !== null && !Array.isArray(value) && at !== "pending") {
            Object.entries(value).forEach(([k, v]) => walk(v, at === "" ? k : `${at}.${k}`));
        } else if (value !== undefined && !NOT_SETTINGS.has(at)) {
            leaves.set(at, value);
        }
    };
    walk(database, "");
    return leaves;
}

/**
 * An entry inherits the region's defaults, and two cells may default differently: moved as
 * written, the database would take the destination's (another instance type, a smaller volume,
 * another allowlist). Each setting the destination would resolve differently is refused, with
 * the `qdb set` that writes the source's value on the entry first, so that the move carries it.
 */
export function resolvedDifferences(inSource: DatabaseSpec, inDest: DatabaseSpec, from: string, to: string): string[] {
    const [a, b] = [settingLeaves(inSource), settingLeaves(inDest)];
    return [...new Set([...a.keys(), ...b.keys()])].sort()
        .filter((key) => JSON.stringify(a.get(key)) !== JSON.stringify(b.get(key)))
        .map((key) => {
            const value = a.get(key);
            const settable = key !== "subnetId" && key !== "pending" && value !== undefined;
            const written = Array.isArray(value) ? `[${value.join(", ")}]` : typeof value === "string" && /^\d+(\.\d+)*$/.test(value) ? `"${value}"` : String(value);
            return `database "${inSource.id}": ${key} is ${JSON.stringify(value)} in ${from} but would be ${JSON.stringify(b.get(key))} in ${to} (the entry inherits it from its region). `
                + (settable ? `Fix: write it on the entry first: \`npx qdb set --stack ${from} ${inSource.id} ${shellAssignment(key, written)}\`, then move`
                    : `Fix: none by a move (${key === "subnetId" ? "the AZ's subnet differs between the two files, and a node group cannot change subnet in place" : "promote or drop the pending change first"})`);
        });
}
