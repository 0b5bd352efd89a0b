/**
 * A readable tree of a render: region-wide resources, then each database with its key settings
 * (AZ, instance type, volume size, QuestDB version, state) read from the resources it registers.
 */
import { Render, RenderedResource } from "./types";

const get = (value: unknown, ...keys: (string | number)[]): unknown =>
    keys.reduce<unknown>((v, k) => (v as Record<string | number, unknown> | undefined)?.[k], value);

function byType(parts: RenderedResource[], suffix: string): RenderedResource | undefined {
    return parts.find((r) => r.type.endsWith(suffix));
}

/** "az=… instance=… size=…GiB version=… state=…", from the database's parts and stack outputs. */
export function keySettings(render: Render, id: string, parts: RenderedResource[]): string {
    const volume = byType(parts, ":Volume")?.inputs;
    const nodeGroup = byType(parts, ":NodeGroup")?.inputs;
    const image = get(byType(parts, ":StatefulSet")?.inputs, "spec", "template", "spec", "containers", 0, "image");
    const settings: [string, unknown][] = [
        ["az", get(volume, "availabilityZone")],
        ["instance", get(nodeGroup, "instanceTypes", 0)],
        ["size", get(volume, "size") === undefined ? undefined : `${get(volume, "size")}GiB`],
        ["version", typeof image === "string" ? image.split(":").pop() : undefined],
        ["state", get(render.outputs, "databases", id, "state")],
    ];
    return settings.map(([k, v]) => `${k}=${v === undefined ? "-" : String(v)}`).join("  ");
}

function shortType(type: string): string {
    const [provider, , kind] = type.split(":");
    return `${provider === "kubernetes" ? "k8s" : provider}:${kind ?? type}`;
}

function line(r: RenderedResource, last: boolean, indent = "│   "): string {
    const flags = [r.options.protect ? "protect" : "", r.options.retainOnDelete ? "retainOnDelete" : ""].filter(Boolean);
    const ns = get(r.inputs, "metadata", "namespace");
    const where = typeof get(r.inputs, "metadata", "name") === "string"
        ? ` (${ns ? `${String(ns)}/` : ""}${String(get(r.inputs, "metadata", "name"))})` : "";
    return `${indent}${last ? "└─" : "├─"} ${shortType(r.type).padEnd(28)} ${r.name}${where}${flags.length ? `  [${flags.join(", ")}]` : ""}`;
}

/** The whole tree as text; one block per database, in registration order. */
export function formatTree(render: Render): string {
    const components = render.resources.filter((r) => !r.custom && r.parent === undefined);
    const region = render.resources.filter((r) => r.custom && r.parent === undefined);
    const out = [`stack ${render.stack}: ${components.length} database(s), ${render.resources.length} resources`];
    out.push("├─ (region-wide)", ...region.map((r, i) => line(r, i === region.length - 1)));
    components.forEach((db, i) => {
        const parts = render.resources.filter((r) => r.parent === db.name);
        const lastDb = i === components.length - 1;
        out.push(`${lastDb ? "└─" : "├─"} ${db.name}  ${keySettings(render, db.name, parts)}`);
        out.push(...parts.map((r, j) => line(r, j === parts.length - 1, lastDb ? "    " : "│   ")));
    });
    return out.join("\n");
}
