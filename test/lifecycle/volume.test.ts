import assert from "node:assert/strict";
import { before, test } from "node:test";
import { Render, RenderError } from "../../render";
import { changesBetween, editedProd, entry, renderAfter } from "../support/lifecycle";
import { TYPES, renderShippedStack, resource } from "../support/stacks";

let base: Render;
before(async () => {
    base = await renderShippedStack("prod");
});

test("growing size, IOPS and throughput modifies the volume in place and grows the PV and claim", async () => {
    const after = await renderAfter(base, editedProd((dbs) => {
        entry(dbs, "stark-telemetry").volume = { sizeGiB: 1000, iops: 6000, throughputMiBps: 250 };
    }));
    assert.deepEqual(changesBetween(base, after), [
        "update aws:ebs/volume:Volume stark-telemetry-volume: iops, size, throughput",
        // No PV line: its capacity is ignoreChanges, so Pulumi sends nothing (the CSI resizer grows it).
        // The claim's await waits for the applied size as well as Bound (components/deployment/dataVolume.ts), so its waitFor names the new size.
        "update kubernetes:core/v1:PersistentVolumeClaim stark-telemetry-pvc: metadata.annotations.pulumi.com/waitFor, spec.resources.requests.storage",
        // The volume-full alert names the next size to grow to.
        "update kubernetes:monitoring.coreos.com/v1:PrometheusRule stark-telemetry-alerts: spec.groups.0.rules.1.annotations.description",
    ]);
    const claim = resource(after, TYPES.claim, "stark-telemetry-pvc");
    assert.equal((claim.inputs.spec as any).resources.requests.storage, "1000Gi");
    // The claim is ordered after the volume; the resizer, not Pulumi, updates the PV's capacity.
    assert.ok(claim.options.dependsOn?.includes("stark-telemetry-volume"));
    const pv = resource(after, TYPES.persistentVolume, "stark-telemetry-pv");
    assert.deepEqual(pv.options.ignoreChanges, ["spec.capacity", "spec.claimRef"]);
    assert.equal((pv.inputs.spec as any).capacity.storage, "1000Gi");
});

test("shrinking a volume is refused before anything is changed, naming the size it must keep", async () => {
    const shrunk = editedProd((dbs) => (entry(dbs, "stark-telemetry").volume = { sizeGiB: 500 }));
    await assert.rejects(renderAfter(base, shrunk), (err: unknown) => {
        assert.ok(err instanceof RenderError && err.configError);
        assert.match(err.message, /stack "prod", database "stark-telemetry": volume\.sizeGiB = 500: the volume has 750 GiB and EBS volumes cannot shrink\. Fix: set volume\.sizeGiB to 750 or more\./);
        return true;
    });
});

test("a new region KMS key is refused before anything is changed: it would replace every volume", async () => {
    const rekeyed = editedProd((_dbs, region) => (region.volumeKmsKeyId = "arn:aws:kms:us-east-1:444455556666:key/rotated"));
    await assert.rejects(renderAfter(base, rekeyed), (err: unknown) => {
        assert.ok(err instanceof RenderError && err.configError);
        assert.match(err.message, /stack "prod", region: volumeKmsKeyId = "arn:aws:kms:us-east-1:444455556666:key\/rotated": the data volumes of [^:]*stark-telemetry[^:]* are encrypted with arn:aws:kms:us-east-1:444455556666:key\/0c7e6f3a/);
        assert.match(err.message, /Fix: set volumeKmsKeyId back to arn:aws:kms:us-east-1:444455556666:key\/0c7e6f3a-1b2c-4d5e-8f90-123456789abc/);
        return true;
    });
});

test("moving a database to another AZ is refused: its data cannot follow", async () => {
    const moved = editedProd((dbs) => (entry(dbs, "acme-analytics").availabilityZone = "us-east-1b"));
    await assert.rejects(renderAfter(base, moved), /database "acme-analytics": availabilityZone = "us-east-1b": the data volume lives in us-east-1a/);
});
