import assert from "node:assert/strict";
import { before, test } from "node:test";
import { Render } from "../../render";
import { changesBetween, editedProd, entry, renderAfter } from "../support/lifecycle";
import { TYPES, renderShippedStack, resource } from "../support/stacks";

// The init container that prepares conf/ runs the same image, so it follows the version too.
const IMAGE = "spec.template.spec.containers.0.image, spec.template.spec.initContainers.0.image";
let base: Render;
before(async () => {
    base = await renderShippedStack("prod");
});

function imageOf(render: Render, id: string): string {
    return (resource(render, TYPES.statefulSet, `${id}-questdb`).inputs.spec as any).template.spec.containers[0].image;
}

test("a new canary version rolls only the canary channel's databases", async () => {
    const after = await renderAfter(base, editedProd((_, region) => (region.channels.canary = "9.4.1")));
    assert.deepEqual(changesBetween(base, after), [`update kubernetes:apps/v1:StatefulSet umbrella-iot-questdb: ${IMAGE}`]);
    assert.equal(imageOf(after, "umbrella-iot"), "questdb/questdb:9.4.1");
});

test("promoting to stable rolls stable's followers; pinned and default databases stay", async () => {
    const after = await renderAfter(base, editedProd((_, region) => (region.channels.stable = "8.2.4")));
    assert.deepEqual(changesBetween(base, after), [`update kubernetes:apps/v1:StatefulSet acme-analytics-questdb: ${IMAGE}`]);
    assert.equal(imageOf(after, "initech-metrics"), "questdb/questdb:8.1.4");
});

test("reverting a channel is a one-line edit back to exactly the original render", async () => {
    const rolled = await renderAfter(base, editedProd((_, region) => (region.channels.canary = "9.4.1")));
    const reverted = await renderAfter(rolled, editedProd(() => undefined));
    assert.deepEqual(changesBetween(base, reverted), []);
});

test("a downgrade across major versions is refused unless explicitly allowed", async () => {
    const downgrade = editedProd((dbs) => (entry(dbs, "initech-metrics").questdbVersion = "7.4.2"));
    await assert.rejects(renderAfter(base, downgrade),
        /database "initech-metrics": questdbVersion = "7\.4\.2": this downgrades 8\.1\.4 across a major version.*allowMajorDowngrade: true/);
    const allowed = await renderAfter(base, editedProd((dbs) => {
        entry(dbs, "initech-metrics").questdbVersion = "7.4.2";
        entry(dbs, "initech-metrics").allowMajorDowngrade = true;
    }));
    assert.deepEqual(changesBetween(base, allowed), [`update kubernetes:apps/v1:StatefulSet initech-metrics-questdb: ${IMAGE}`]);
});

test("a server.conf edit rolls the pod through the checksum annotation", async () => {
    const after = await renderAfter(base, editedProd((dbs) => (entry(dbs, "hooli-events").serverConf["cairo.max.uncommitted.rows"] = 250000)));
    assert.deepEqual(changesBetween(base, after), [
        "update kubernetes:core/v1:ConfigMap hooli-events-config: data.server.conf",
        "update kubernetes:apps/v1:StatefulSet hooli-events-questdb: spec.template.metadata.annotations.questdb.cloud/config-checksum",
    ].sort((a, b) => a.split(" ")[1].localeCompare(b.split(" ")[1])));
});
