import assert from "node:assert/strict";
import { before, test } from "node:test";
import { Render } from "../../render";
import { editedProd, renderAfter } from "../support/lifecycle";
import { TYPES, renderShippedStack, renderStackBody, resource } from "../support/stacks";

// A removed database's volume stays in AWS (retainOnDelete): restore drills must stay barred from it
// (components/drillAdmission.ts, inventory/retainedVolumes.ts).
let base: Render;
let afterRemove: Render;
const removed = editedProd((dbs) => dbs.splice(dbs.findIndex((d) => d.id === "oldcorp-archive"), 1));
before(async () => {
    base = await renderShippedStack("prod");
    afterRemove = await renderAfter(base, removed);
});

test("a removed database's retained volume stays on the drills' deny list, in this deployment and every later one", async () => {
    const volumeId = (base.outputs.databases as any)["oldcorp-archive"].volumeId as string;
    const denied = (render: Render) => (resource(render, TYPES.configMap, "questdb-drills-tenant-volumes").inputs.data as Record<string, string>);
    assert.equal(denied(base)[volumeId], "oldcorp-archive");
    assert.equal(denied(afterRemove)[volumeId], "oldcorp-archive");
    assert.deepEqual(afterRemove.outputs.retainedVolumeIds, { "oldcorp-archive": volumeId });
    assert.deepEqual(base.outputs.retainedVolumeIds, {});
    // A later deployment no longer sees the entry in its previous `databases` output: the record carries it.
    assert.equal((afterRemove.outputs.databases as any)["oldcorp-archive"], undefined);
    const later = await renderStackBody("prod", removed, false, afterRemove.outputs);
    assert.equal(denied(later)[volumeId], "oldcorp-archive");
    assert.deepEqual(later.outputs.retainedVolumeIds, { "oldcorp-archive": volumeId });
});

test("an unreadable retainedVolumeIds output fails the preview closed, naming the output and the command that shows it", async () => {
    await assert.rejects(renderStackBody("prod", removed, true, { ...afterRemove.outputs, retainedVolumeIds: ["vol-0"] }),
        /stack "prod", region: retainedVolumeIds output of the last deployment = .*cannot be read, so restore drills could mount a removed database's retained volume.*pulumi stack output retainedVolumeIds --json --stack prod/);
});
