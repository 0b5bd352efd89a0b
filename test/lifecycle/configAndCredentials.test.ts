import assert from "node:assert/strict";
import * as crypto from "node:crypto";
import { before, test } from "node:test";
import { Render, renderInChild, requestFromStackFile } from "../../render";
import { derivePassword } from "../../components/deployment/credentials";
import { CREDENTIALS_VERSION_ANNOTATION } from "../../components/deployment/server";
import { impactOfRenders } from "../../tools/impact/report";
import { editedProd, entry, renderAfter } from "../support/lifecycle";
import { TYPES, renderShippedStack, resource, resourcesOfType, shippedStackFile } from "../support/stacks";

const SEED_KEY = "questdb-cloud:credentialsSeed";

function renderWithSeed(seed: string): Promise<Render> {
    const request = requestFromStackFile(shippedStackFile("prod"), false);
    return renderInChild({ ...request, config: { ...request.config, [SEED_KEY]: seed } });
}

function annotationsOf(render: Render, id: string): Record<string, string> {
    return (resource(render, TYPES.statefulSet, `${id}-questdb`).inputs.spec as any).template.metadata.annotations;
}

function actionsOf(render: Render, before: Render, id: string): string[] {
    const impact = impactOfRenders(before, render).databases.find((d) => d.id === id);
    return (impact?.resources ?? []).map((r) => `${r.action} ${r.name} ${r.kind}`).sort();
}

let base: Render;
let seedA: Render;
let seedB: Render;
before(async () => {
    [base, seedA, seedB] = await Promise.all([renderShippedStack("prod"), renderWithSeed("seed-one"), renderWithSeed("seed-two")]);
});

test("the region provider makes ConfigMaps and Secrets mutable, so neither is replaced delete-first", () => {
    const [provider] = resourcesOfType(base, TYPES.k8sProvider);
    // Provider config travels as strings on the wire.
    assert.equal(String(provider.inputs.enableConfigMapMutable), "true");
    assert.equal(String(provider.inputs.enableSecretMutable), "true");
});

test("a server.conf edit updates the ConfigMap in place (~) and rolls the pod, as the real preview shows", async () => {
    const after = await renderAfter(base, editedProd((dbs) => (entry(dbs, "hooli-events").serverConf["cairo.max.uncommitted.rows"] = 250000)));
    assert.deepEqual(actionsOf(after, base, "hooli-events"), [
        "update hooli-events-config in-place-update",
        "update hooli-events-questdb rolling-restart",
    ]);
});

test("a credentials-seed rotation rolls every running database's pod through a template annotation", () => {
    // An adoption in its import step ignores every input: its legacy pod is left as it is.
    const running = resourcesOfType(seedA, TYPES.statefulSet)
        .filter((s) => (s.inputs.spec as any).replicas === 1 && !s.options.ignoreChanges?.includes("*")).map((s) => s.name.replace(/-questdb$/, ""));
    assert.ok(running.length > 5);
    for (const id of running) {
        assert.notEqual(annotationsOf(seedA, id)[CREDENTIALS_VERSION_ANNOTATION], annotationsOf(seedB, id)[CREDENTIALS_VERSION_ANNOTATION], id);
    }
    const impact = impactOfRenders(seedA, seedB);
    const statefulSets = impact.databases.flatMap((d) => d.resources).filter((r) => r.type === TYPES.statefulSet && r.kind !== "down");
    assert.deepEqual(statefulSets.map((r) => `${r.name} ${r.action} ${r.kind}`).sort(), running.map((id) => `${id}-questdb update rolling-restart`).sort());
    // The Secret itself is masked in renders; the real provider updates it in place (mutable Secrets).
    assert.ok(impact.databases.flatMap((d) => d.resources).every((r) => r.action === "update"));
});

test("the credentials annotation reveals nothing: no password, no hash of the seed or of a password", () => {
    const id = "hooli-events";
    const value = annotationsOf(seedA, id)[CREDENTIALS_VERSION_ANNOTATION];
    assert.match(value, /^[0-9a-f]{32}$/);
    const sha = (s: string) => crypto.createHash("sha256").update(s).digest("hex");
    const secrets = ["seed-one", derivePassword("seed-one", id, "http"), derivePassword("seed-one", id, "pg")];
    for (const secret of secrets) {
        assert.ok(!value.includes(secret) && !sha(secret).includes(value) && !secret.includes(value));
    }
    // Two databases of one seed get unrelated tokens: one token says nothing about another.
    assert.notEqual(value, annotationsOf(seedA, "acme-analytics")[CREDENTIALS_VERSION_ANNOTATION]);
});
