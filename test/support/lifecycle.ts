import { Render, ResourceChange, diffRenders } from "../../render";
import { databasesOf, renderStackBody, shippedStackBody } from "./stacks";

export type StackBody = { config: Record<string, unknown> };
export type Entry = Record<string, any>;

/** The shipped prod body with an edit applied to a copy. */
export function editedProd(edit: (databases: Entry[], region: Entry, body: StackBody) => void): StackBody {
    const body = structuredClone(shippedStackBody("prod"));
    edit(databasesOf(body), body.config["questdb-cloud:region"] as Entry, body);
    return body;
}

export function entry(databases: Entry[], id: string): Entry {
    const found = databases.find((d) => d.id === id);
    if (!found) {
        throw new Error(`no database ${id} in the fixture`);
    }
    return found;
}

/**
 * Renders a change as `pulumi up` would meet it: the edited config, with the stack's
 * self-reference reading the outputs of the deployment before the edit.
 */
export function renderAfter(base: Render, edited: StackBody, preview = false): Promise<Render> {
    return renderStackBody("prod", edited, preview, base.outputs);
}

/** One line per changed resource: kind, type and name, and the changed input and option paths. */
export function describeChanges(changes: ResourceChange[]): string[] {
    return changes.map((c) => {
        const paths = [...c.inputPaths, ...c.optionPaths.map((p) => `options.${p}`)];
        return `${c.kind} ${c.type} ${c.name}${paths.length ? `: ${paths.join(", ")}` : ""}`;
    });
}

export function changesBetween(before: Render, after: Render): string[] {
    return describeChanges(diffRenders(before, after));
}
