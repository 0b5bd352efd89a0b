/**
 * Notes that say what a change means beyond its resource rows (issue 26.5): what a new database
 * will be, and how many nodes one `up` rolls at once. Pure: from the validated inventories and
 * the per-database impacts.
 */
import { DatabaseSpec, Inventory } from "../../inventory";
import { DatabaseImpact, ImpactKind } from "./types";

/** Client networks that admit every address: a new database that inherits one is open to the internet. */
const OPEN_NETWORKS = ["0.0.0.0/0", "::/0"];

/** Kinds that move a database's pod to a new node. */
const NODE_ROLLS: readonly ImpactKind[] = ["rolling-node-update", "node-replacement", "provisioner-move"];

function entrySetsAccess(rawDatabases: unknown, id: string): boolean {
    const entries = Array.isArray(rawDatabases) ? rawDatabases : [];
    const entry = entries.find((e) => typeof e === "object" && e !== null && (e as Record<string, unknown>).id === id) as Record<string, unknown> | undefined;
    return entry !== undefined && entry.access !== undefined;
}

function describeNew(d: DatabaseSpec, inherited: boolean): string {
    const cidrs = d.access.allowedCidrs;
    const open = cidrs.filter((c) => OPEN_NETWORKS.includes(c));
    const allowlist = cidrs.length === 0 ? "no external access (allowedCidrs [])" : `allowedCidrs [${cidrs.join(", ")}]${inherited ? " from defaults.access" : ""}`;
    const warning = open.length === 0 ? "" : inherited
        ? `. Warning: it inherits ${open.join(" and ")} from the region's defaults.access, so every address on the internet can reach it; set its own \`access.allowedCidrs\` to the customer's networks`
        : `. Warning: its allowedCidrs include ${open.join(" and ")}, so every address on the internet can reach it`;
    return `New database "${d.id}": ${d.availabilityZone}, ${d.instanceType} on ${d.nodeProvisioner}, ${d.volume.sizeGiB} GiB gp3 `
        + `(${d.volume.iops} IOPS, ${d.volume.throughputMiBps} MiB/s), QuestDB ${d.questdbVersion}, ${allowlist}${warning}.`;
}

/** One note per database the change adds: where it runs, how big it is and who may reach it. */
export function newDatabaseNotes(before: Inventory | null, after: Inventory, afterRawDatabases: unknown): string[] {
    const existed = new Set((before?.databases ?? []).map((d) => d.id));
    return after.databases
        .filter((d) => !existed.has(d.id) && d.state !== "decommissioned")
        .map((d) => describeNew(d, !entrySetsAccess(afterRawDatabases, d.id)));
}

/**
 * A region-wide edit (a node image, an instance type default) rolls every database's node in one
 * `up`: the engine runs the updates in parallel, so they are down together, not one by one.
 */
export function simultaneousRollNotes(databases: readonly DatabaseImpact[]): string[] {
    const rolled = databases.filter((d) => d.database && d.kinds.some((k) => NODE_ROLLS.includes(k))).map((d) => d.id).sort();
    if (rolled.length < 2) {
        return [];
    }
    return [`${rolled.length} databases move to new nodes in this one \`pulumi up\`, at the same time (the engine runs their updates in parallel, up to its \`--parallel\`): `
        + `${rolled.join(", ")}. Each is briefly down while its pod moves; to roll them a few at a time, give them maintenance windows `
        + "(docs/decisions.md, \"Maintenance windows\") or change them in separate pull requests."];
}
