/**
 * The program's maintenance window rule (docs/decisions.md, "Maintenance windows"): a database
 * with a window is not restarted or moved by an edit of its live fields, its own or the
 * region's, unless the edit is a promotion inside the window or carries a new override. Checked
 * against what the last deployment recorded, so `pulumi preview` fails before any resource.
 * Pure: no clock; a promotion's own instant (`promotedAt`) is what is checked against the window.
 */
import { DISRUPTIVE_FACTS, DisruptiveFacts, disruptiveFactsOf } from "./disruptive";
import type { DeployedFacts } from "./deployedFacts";
import { fileOfFlag, shellAssignment } from "./hints";
import { formatMaintenanceWindow, windowOpenAt } from "./maintenanceWindow";
import type { Problem } from "./problems";
import type { DatabaseSpec, Inventory, RegionSpec } from "./types";

/** On the Karpenter path the NodePool's Drifted budget holds node changes until the window: one mechanism per path. */
const HELD_BY_KARPENTER: readonly (keyof DisruptiveFacts)[] = ["nodeImage", "instanceType"];

/** The entry field that each fact comes from, as refusals and qdb name it. */
export const FIELD_OF_FACT: Readonly<Record<keyof DisruptiveFacts, string>> = {
    questdbVersion: "questdbVersion", serverConfChecksum: "serverConf", nodeImage: "nodeImage", instanceType: "instanceType", nodeProvisioner: "nodeProvisioner",
};

/** The facts that differ from the deployed ones and would disrupt the database now. */
export function disruptiveChanges(was: DeployedFacts, database: DatabaseSpec): (keyof DisruptiveFacts)[] {
    const now = disruptiveFactsOf(database);
    const karpenter = was.nodeProvisioner === "karpenter" && now.nodeProvisioner === "karpenter";
    return DISRUPTIVE_FACTS.filter((fact) => was[fact] !== undefined && was[fact] !== now[fact] && !(karpenter && HELD_BY_KARPENTER.includes(fact)));
}

/** A new override, or a new promotion stamped inside the window: the two ways a disruptive edit applies now. */
export function appliesNow(was: DeployedFacts, database: DatabaseSpec): boolean {
    const window = database.maintenanceWindow;
    if (!window) {
        return true;
    }
    if (database.maintenanceOverride !== undefined && database.maintenanceOverride !== was.maintenanceOverride) {
        return true;
    }
    return database.promotedAt !== undefined && database.promotedAt !== was.promotedAt && windowOpenAt(window, new Date(database.promotedAt));
}

/** Where a changed value comes from, when the entry does not set it: the fix is then in the region. */
function sourceOf(fact: keyof DisruptiveFacts, database: DatabaseSpec, region: RegionSpec): string {
    if (fact === "questdbVersion" && database.channel) {
        return ` (from the region's channels.${database.channel})`;
    }
    const regional: Partial<Record<keyof DisruptiveFacts, string | undefined>> = {
        questdbVersion: region.defaults.questdbVersion, nodeImage: region.defaults.nodeImage, instanceType: region.defaults.instanceType, nodeProvisioner: region.nodeProvisioner,
    };
    const name = fact === "nodeProvisioner" ? "nodeProvisioner" : `defaults.${fact}`;
    return regional[fact] === disruptiveFactsOf(database)[fact] ? ` (the value of the region's ${name}, unless the entry sets it)` : "";
}

/**
 * The two ways out, each a command that runs from the refused file: wait for the window (the
 * deployed values back, then `qdb set` writes each new one under pending:, when the entry itself
 * sets it), or apply now with an override.
 */
function windowFix(database: DatabaseSpec, region: RegionSpec, changes: readonly (keyof DisruptiveFacts)[], flag: string): string {
    const now = disruptiveFactsOf(database);
    const own = changes.filter((fact) => fact !== "serverConfChecksum" && sourceOf(fact, database, region) === "");
    const sets = own.map((fact) => shellAssignment(FIELD_OF_FACT[fact], now[fact]));
    const wait = sets.length === changes.length
        ? `to wait for the window, put the deployed values back (\`git checkout -- ${fileOfFlag(flag)}\` restores the file, undoing its other uncommitted edits), `
            + `then \`npx qdb set ${flag} ${database.id} ${sets.join(" ")}\` writes the change under \`pending:\`, which \`npx qdb promote ${flag}\` applies in the window; `
        : "to wait for the window, put the deployed values back and write the change under `pending:` (docs/qdb.md), which `qdb promote` applies in the window; ";
    return `${wait}or, to apply it now, \`npx qdb set ${flag} ${database.id} maintenanceOverride="<reason>"\` (shown in impact)`;
}

function refusal(was: DeployedFacts, database: DatabaseSpec, region: RegionSpec, changes: readonly (keyof DisruptiveFacts)[], flag: string): Problem {
    const window = formatMaintenanceWindow(database.maintenanceWindow as NonNullable<DatabaseSpec["maintenanceWindow"]>);
    const now = disruptiveFactsOf(database);
    const described = changes.map((fact) => fact === "serverConfChecksum" ? "server.conf changes" : `${fact} ${String(was[fact])} -> ${now[fact]}${sourceOf(fact, database, region)}`);
    const fields = [...new Set(changes.map((fact) => FIELD_OF_FACT[fact]))];
    const stale = database.promotedAt !== undefined && database.promotedAt !== was.promotedAt
        ? `; promotedAt ${database.promotedAt} is outside the window` : "";
    const reused = database.maintenanceOverride !== undefined && database.maintenanceOverride === was.maintenanceOverride
        ? "; its maintenanceOverride was already deployed and counts once" : "";
    return {
        where: `database "${database.id}"`, field: fields.join(", "), value: fields.length === 1 && fields[0] !== "serverConf" ? now[changes[0]] : described.join(", "),
        reason: `${described.join(", ")} would restart or move the database now, but it has maintenance window "${window}" (UTC)${stale}${reused}`,
        fix: windowFix(database, region, changes, flag),
    };
}

/** Every database a deployment would disrupt outside its window; none for those without one. */
export function checkMaintenanceWindows(previous: Readonly<Record<string, DeployedFacts>>, inventory: Inventory, flag = `--stack ${inventory.region.stack}`): Problem[] {
    const found: Problem[] = [];
    for (const database of inventory.databases) {
        const was = previous[database.id];
        // Paused, resumed or being added: no running pod to disrupt, and customer actions apply at once.
        if (!was || was.state !== "active" || database.state !== "active" || !database.maintenanceWindow) {
            continue;
        }
        const changes = disruptiveChanges(was, database);
        if (changes.length > 0 && !appliesNow(was, database)) {
            found.push(refusal(was, database, inventory.region, changes, flag));
        }
    }
    return found;
}
