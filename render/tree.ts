/**
 * A readable tree of a render: region-wide resources, then each database with its key settings
 * (AZ, instance type, volume size, QuestDB version, state) read from the resources it registers.
 */
import { QUESTDB_DEPLOYMENT_TYPE } from "../inventory";
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

function block(out: string[], header: string, parts: RenderedResource[], last: boolean): void {
    out.push(`${last ? "└─" : "├─"} ${header}`);
    out.push(...parts.map((r, j) => line(r, j === parts.length - 1, last ? "    " : "│   ")));
}

/** The whole tree as text: region-wide resources and components, then one block per database. */
export function formatTree(render: Render): string {
    const topLevel = render.resources.filter((r) => r.parent === undefined);
    const databases = topLevel.filter((r) => r.type === QUESTDB_DEPLOYMENT_TYPE);
    const regionComponents = topLevel.filter((r) => !r.custom && r.type !== QUESTDB_DEPLOYMENT_TYPE);
    const region = topLevel.filter((r) => r.custom);
    const out = [`stack ${render.stack}: ${databases.length} database(s), ${render.resources.length} resources`];
    out.push("├─ (region-wide)", ...region.map((r, i) => line(r, i === region.length - 1)));
    const partsOf = (name: string) => render.resources.filter((r) => r.parent === name);
    regionComponents.forEach((c) => block(out, `${c.name}  (region, ${c.type.split(":").pop()})`, partsOf(c.name), false));
    databases.forEach((db, i) => block(out, `${db.name}  ${keySettings(render, db.name, partsOf(db.name))}`, partsOf(db.name), i === databases.length - 1));
    return out.join("\n");
}
