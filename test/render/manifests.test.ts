import assert from "node:assert/strict";
import { test } from "node:test";
import { RENDERED_KINDS, manifestsOf } from "../../render/manifests";
import { renderShippedStack } from "../support/stacks";

test("synth preloads the schema of exactly the kinds the shipped stacks render", async () => {
    const kinds = new Set<string>();
    for (const stack of ["dev", "prod"]) {
        for (const m of manifestsOf(await renderShippedStack(stack))) {
            kinds.add(`${String(m.object.apiVersion)}/${String(m.object.kind)}`);
        }
    }
    assert.deepEqual([...RENDERED_KINDS].sort(), [...kinds].sort());
});
