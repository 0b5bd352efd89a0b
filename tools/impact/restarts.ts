/**
 * How many databases restart (or move to a new node) in one `pulumi up`, in total and per AZ: the
 * blast radius a reviewer of a rollout wave (docs/decisions.md, "Rollout waves and gates") or any
 * other change checks against "never a whole AZ at once".
 */
import { Inventory, restartsPerAz } from "../../inventory";
import { DatabaseImpact, ImpactKind } from "./types";

/** The kinds whose pod stops and starts again. */
export const RESTARTS: readonly ImpactKind[] = ["rolling-restart", "rolling-node-update", "node-replacement", "provisioner-move", "converge"];

export function restartNote(databases: readonly DatabaseImpact[], after: Inventory): string[] {
    const ids = new Set(databases.filter((d) => d.database && d.kinds.some((k) => RESTARTS.includes(k))).map((d) => d.id));
    const restarted = after.databases.filter((d) => ids.has(d.id));
    if (restarted.length === 0) {
        return [];
    }
    const { total, perAz } = restartsPerAz(restarted);
    const whole = Object.entries(perAz).filter(([az, n]) => n === after.databases.filter((d) => d.availabilityZone === az && d.state !== "decommissioned").length);
    return [`Restarts at once: ${total} database(s) restart or move in this \`pulumi up\`; per AZ: ${Object.entries(perAz).map(([az, n]) => `${az} ${n}`).join(", ")}`
        + `${whole.length > 0 ? ` (every database of ${whole.map(([az]) => az).join(", ")})` : ""}.`];
}
