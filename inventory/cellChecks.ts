/**
 * Checks across the stack files of one cluster (docs/decisions.md, "Cells"). The program sees one
 * stack, so these run in the tools and tests only: `qdb validate`, every qdb write and
 * test/inventory/cells.test.ts. Pure: over the files' raw config, so a file whose own validation
 * fails is still compared.
 */
import * as path from "path";
import { isPlainObject } from "./fields";
import type { StackFile } from "./stackFile";
import { MOVED_TO, isMovedEntry } from "./moves";

/** A problem between two files of one cluster, naming both. */
export interface CellProblem {
    readonly files: readonly string[];
    readonly message: string;
}

/** One cluster: the same `aws:region` and the same `region.clusterName`. */
export function clusterKeyOf(file: Pick<StackFile, "raw">): string | undefined {
    const region = file.raw.region;
    const cluster = isPlainObject(region) ? region.clusterName : undefined;
    return typeof file.raw.awsRegion === "string" && typeof cluster === "string" ? `${file.raw.awsRegion}/${cluster}` : undefined;
}

function regionField(file: Pick<StackFile, "raw">, field: string): unknown {
    return isPlainObject(file.raw.region) ? file.raw.region[field] : undefined;
}

/**
 * Every id a file claims on its cluster: each entry's `id` and each `retiredIds` entry. A
 * `{id, movedTo}` marker claims nothing: the database lives in the destination's file, and
 * `moveProblems` checks that it does.
 */
export function claimedIds(file: Pick<StackFile, "raw">): { id: string; as: "database" | "retired id" }[] {
    const databases = Array.isArray(file.raw.databases) ? file.raw.databases : [];
    const live = databases.filter((d) => !isMovedEntry(d)).map((d) => (isPlainObject(d) ? d.id : undefined)).filter((id): id is string => typeof id === "string")
        .map((id) => ({ id, as: "database" as const }));
    const retiredRaw = regionField(file, "retiredIds");
    const retired = (Array.isArray(retiredRaw) ? retiredRaw : []).filter((id): id is string => typeof id === "string")
        .map((id) => ({ id, as: "retired id" as const }));
    return [...live, ...retired];
}

/** The files beside `file` (same folder) on the same cluster, itself included. */
export function sameCluster(file: StackFile, siblings: readonly StackFile[]): StackFile[] {
    const key = clusterKeyOf(file);
    const all = [file, ...siblings.filter((s) => path.resolve(s.path) !== path.resolve(file.path))];
    return key === undefined ? [file] : all.filter((f) => clusterKeyOf(f) === key);
}

/**
 * Every problem between the stacks of each cluster among `files`: an id (live or retired) that two
 * stacks claim (its namespace `qdb-<id>` and its DNS name are the cluster's), and an ownership
 * that does not add up (two owners, a cell whose owner is not a stack of the cluster or does not
 * name itself, cells that name different owners).
 */
export function cellProblems(files: readonly StackFile[]): CellProblem[] {
    const byCluster = new Map<string, StackFile[]>();
    for (const f of files) {
        const key = clusterKeyOf(f);
        if (key !== undefined) {
            byCluster.set(key, [...(byCluster.get(key) ?? []), f]);
        }
    }
    // Sorted by path, so that a message names the two files in the same order whoever asks.
    byCluster.forEach((group) => group.sort((a, b) => a.path.localeCompare(b.path)));
    return [...byCluster.entries()].flatMap(([key, group]) => group.length < 2 ? [] : [...idClashes(key, group), ...ownershipProblems(key, group), ...disagreements(key, group), ...moveProblems(key, group)]);
}

/** The `{id, movedTo}` markers of a file, as written. */
export function movedMarkers(file: Pick<StackFile, "raw">): { id: string; to: string }[] {
    const databases = Array.isArray(file.raw.databases) ? file.raw.databases : [];
    return databases.filter(isMovedEntry).filter((d) => typeof d.id === "string" && typeof d[MOVED_TO] === "string")
        .map((d) => ({ id: d.id as string, to: d[MOVED_TO] as string }));
}

function liveIds(file: Pick<StackFile, "raw">): Set<string> {
    return new Set(claimedIds(file).filter((c) => c.as === "database").map((c) => c.id));
}

/**
 * A marker says where its database went: that stack's file, on the same cluster, must hold the
 * database's full entry. Otherwise the id would be claimed by no stack (and could be reused) or
 * the marker would point at nothing `pulumi state move` could have moved it to.
 */
function moveProblems(cluster: string, group: readonly StackFile[]): CellProblem[] {
    const stacks = new Map(group.map((f) => [f.stack, f]));
    return group.flatMap((file) => movedMarkers(file).flatMap(({ id, to }) => {
        const dest = stacks.get(to);
        if (!dest) {
            return [{ files: [file.path], message: `database "${id}" in ${file.path} is marked movedTo: ${to}, but no stack file beside it is ${to} on cluster ${cluster}. `
                + `Fix: name the stack that holds the database's entry now; a move between clusters is a migration, not a move (docs/runbook.md, "Move a database between cells")` }];
        }
        return liveIds(dest).has(id) ? [] : [{ files: [file.path, dest.path], message: `database "${id}" in ${file.path} is marked movedTo: ${to}, but ${dest.path} has no entry "${id}". `
            + `Fix: put the database's full entry into ${dest.path} (\`qdb move\` writes both files), or its full entry back into ${file.path} in place of the marker` }];
    }));
}

function idClashes(cluster: string, group: readonly StackFile[]): CellProblem[] {
    const seen = new Map<string, { file: StackFile; as: string }>();
    const problems: CellProblem[] = [];
    for (const file of group) {
        for (const { id, as } of claimedIds(file)) {
            const first = seen.get(id);
            if (first && first.file !== file) {
                problems.push({
                    files: [first.file.path, file.path],
                    message: `id "${id}" is a ${first.as} in ${first.file.path} and a ${as} in ${file.path}, both on cluster ${cluster}: `
                        + `an id names a namespace and a DNS name of the cluster, so it is unique across the cluster's stacks. `
                        + (first.as === "retired id" || as === "retired id"
                            ? "Fix: a retired id is never reused, in any stack of the cluster: give the database another id"
                            : "Fix: give the newer of the two databases another id (before it is deployed: an id never changes), or keep the entry in one file only"),
                });
            } else if (!first) {
                seen.set(id, { file, as });
            }
        }
    }
    return problems;
}

function ownershipProblems(cluster: string, group: readonly StackFile[]): CellProblem[] {
    const owner = (f: StackFile) => regionField(f, "sharedClusterOwner");
    const alone = group.filter((f) => owner(f) === undefined);
    const stacks = new Map(group.map((f) => [f.stack, f]));
    const problems: CellProblem[] = [];
    if (alone.length > 0) {
        problems.push({
            files: group.map((f) => f.path),
            message: `${alone.map((f) => f.path).join(", ")} set${alone.length === 1 ? "s" : ""} no sharedClusterOwner, but ${group.length} stacks are on cluster ${cluster} `
                + `(${group.map((f) => f.path).join(", ")}): a stack without it owns the cluster alone, so two would create the same objects. `
                + `Fix: set questdb-cloud:region.sharedClusterOwner in every one of them to the owning stack, itself included on the owner`,
        });
    }
    const named = [...new Set(group.map(owner).filter((o): o is string => typeof o === "string"))];
    if (named.length > 1) {
        problems.push({
            files: group.map((f) => f.path),
            message: `the stacks on cluster ${cluster} name different owners (${named.join(", ")}). Fix: name one stack in every file's sharedClusterOwner`,
        });
    }
    for (const name of named) {
        const ownerFile = stacks.get(name);
        if (!ownerFile || owner(ownerFile) !== name) {
            const cells = group.filter((f) => owner(f) === name);
            problems.push({
                files: [...cells.map((f) => f.path), ...(ownerFile ? [ownerFile.path] : [])],
                message: ownerFile
                    ? `${cells.map((f) => f.path).join(", ")} name${cells.length === 1 ? "s" : ""} ${name} as sharedClusterOwner, but ${ownerFile.path} does not name itself. Fix: set sharedClusterOwner: ${name} in ${ownerFile.path}, so that it guards its volumes from the other cells' drills`
                    : `${cells.map((f) => f.path).join(", ")} name${cells.length === 1 ? "s" : ""} ${name} as sharedClusterOwner, but no stack file beside ${cells.length === 1 ? "it" : "them"} is ${name} on cluster ${cluster}. Fix: name the stack that owns the cluster's shared objects`,
            });
        }
    }
    return problems;
}

/** The problems of `cellProblems` that concern `file`. */
export function cellProblemsOf(file: StackFile, siblings: readonly StackFile[]): CellProblem[] {
    const resolved = path.resolve(file.path);
    return cellProblems(sameCluster(file, siblings)).filter((p) => p.files.some((f) => path.resolve(f) === resolved));
}

/** The region fields that name the owner's objects, which a cell uses by name: they must be the owner's. */
const SHARED_NAMES: readonly { field: string; of: (region: Record<string, unknown>) => unknown }[] = [
    { field: "gateway.name", of: (r) => (isPlainObject(r.gateway) ? r.gateway.name : undefined) },
    { field: "gateway.namespace", of: (r) => (isPlainObject(r.gateway) ? r.gateway.namespace ?? "traefik" : undefined) },
    { field: "monitoringNamespace", of: (r) => r.monitoringNamespace ?? "monitoring" },
];

function disagreements(cluster: string, group: readonly StackFile[]): CellProblem[] {
    const ownerName = group.map((f) => regionField(f, "sharedClusterOwner")).find((o): o is string => typeof o === "string");
    const owner = group.find((f) => f.stack === ownerName);
    if (!owner || !isPlainObject(owner.raw.region)) {
        return [];
    }
    const ownerRegion = owner.raw.region;
    return group.filter((f) => f !== owner && isPlainObject(f.raw.region)).flatMap((f) => SHARED_NAMES
        .filter(({ of }) => JSON.stringify(of(f.raw.region as Record<string, unknown>)) !== JSON.stringify(of(ownerRegion)))
        .map(({ field, of }) => ({
            files: [owner.path, f.path],
            message: `region.${field} is ${JSON.stringify(of(f.raw.region as Record<string, unknown>))} in ${f.path} but ${JSON.stringify(of(ownerRegion))} in ${owner.path}, `
                + `the owner of cluster ${cluster}: a cell uses the owner's objects by these names. Fix: set region.${field} in ${f.path} to the owner's value`,
        })));
}
