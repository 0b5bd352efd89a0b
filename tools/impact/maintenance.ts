/**
 * What impact says about maintenance windows: the changes that wait under `pending:` (not
 * deployed by this change) and the overrides that apply a disruptive change now, outside a window.
 */
import { Inventory, StackFile, describeChanges, formatMaintenanceWindow, offlineInventoryOf, pendingChanges } from "../../inventory";

function inventoryOrNone(file: StackFile | null): Inventory | undefined {
    try {
        return file ? offlineInventoryOf(file) : undefined;
    } catch {
        return undefined;
    }
}

/** Notes for the report: one per pending block, one per override new in `after` (an override counts once). */
export function maintenanceNotes(before: StackFile | null, after: StackFile): string[] {
    const now = inventoryOrNone(after);
    if (!now) {
        return [];
    }
    const was = new Map((inventoryOrNone(before)?.databases ?? []).map((d) => [d.id, d]));
    const notes: string[] = [];
    for (const d of now.databases) {
        const window = d.maintenanceWindow ? formatMaintenanceWindow(d.maintenanceWindow) : undefined;
        if (d.pending && window) {
            notes.push(`Pending on ${d.id} (not deployed by this change; \`qdb promote\` applies it in window ${window} UTC): ${describeChanges(pendingChanges(d))}.`);
        }
        if (d.maintenanceOverride !== undefined && d.maintenanceOverride !== was.get(d.id)?.maintenanceOverride) {
            notes.push(`maintenanceOverride on ${d.id}: ${JSON.stringify(d.maintenanceOverride)}: its disruptive change applies now${window ? `, outside its window ${window} UTC` : ""}.`);
        }
    }
    return notes;
}
