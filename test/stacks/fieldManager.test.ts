// stacks/fieldManager.ts: every Kubernetes object the program registers names the one fixed
// server-side apply field manager, so that a create re-applied after an interrupted `up` is the
// same manager's (the real engine proves the conflict it prevents: e2e/engine/interrupted.e2e.test.ts).
import assert from "node:assert/strict";
import { before, test } from "node:test";
import * as pulumi from "@pulumi/pulumi";
import { Render } from "../../render";
import { FIELD_MANAGER, FIELD_MANAGER_ANNOTATION, withFieldManager } from "../../stacks/fieldManager";
import { renderShippedStack } from "../support/stacks";

let render: Render;
before(async () => {
    render = await renderShippedStack("prod");
});

test("every Kubernetes object of the prod stack names the fixed field manager; nothing else gets the annotation", () => {
    const kubernetes = render.resources.filter((r) => r.custom && r.type.startsWith("kubernetes:"));
    assert.ok(kubernetes.length > 50, `the prod stack renders its Kubernetes objects (${kubernetes.length})`);
    const missing = kubernetes.filter((r) => (r.inputs.metadata as { annotations?: Record<string, string> } | undefined)?.annotations?.[FIELD_MANAGER_ANNOTATION] !== FIELD_MANAGER);
    assert.deepEqual(missing.map((r) => `${r.type} ${r.name}`), []);
    const others = render.resources.filter((r) => !r.type.startsWith("kubernetes:") && JSON.stringify(r.inputs).includes(FIELD_MANAGER_ANNOTATION));
    assert.deepEqual(others.map((r) => `${r.type} ${r.name}`), [], "AWS resources and the provider carry no such annotation");
});

test("the annotation is added beside an object's own annotations, which stay as they were", async () => {
    const metadata = await new Promise((resolve) => withFieldManager({ name: "questdb", annotations: { "pulumi.com/patchForce": "true" } }).apply(resolve));
    assert.deepEqual(metadata, { name: "questdb", annotations: { "pulumi.com/patchForce": "true", [FIELD_MANAGER_ANNOTATION]: FIELD_MANAGER } });
    const fromOutput = await new Promise((resolve) => withFieldManager(pulumi.output({ name: "n" })).apply(resolve));
    assert.deepEqual(fromOutput, { name: "n", annotations: { [FIELD_MANAGER_ANNOTATION]: FIELD_MANAGER } });
});
