import assert from "node:assert/strict";
import { before, describe, test } from "node:test";
import { DatabaseSpec, validateInventory } from "../../inventory";
import { Render } from "../../render";
import { TYPES, rawConfigOf, renderShippedStack, resource, shippedStackBody } from "../support/stacks";

/**
 * The invariants that let AWS and Kubernetes heal a lost node with nobody running anything
 * (docs/runbook.md, "Node failure"). Each returns a failure message, or undefined when it holds.
 */
const INVARIANTS: Record<string, (render: Render, db: DatabaseSpec) => string | undefined> = {
    "the node group spans exactly the subnet of the volume's AZ, so a replacement instance lands there": (r, db) => {
        const subnets = resource(r, TYPES.nodeGroup, `${db.id}-node`).inputs.subnetIds;
        return JSON.stringify(subnets) === JSON.stringify([db.subnetId]) ? undefined : `subnets ${JSON.stringify(subnets)}`;
    },
    "the node group holds exactly one node when active, so the Auto Scaling group replaces a lost one": (r, db) => {
        const scaling = resource(r, TYPES.nodeGroup, `${db.id}-node`).inputs.scalingConfig as Record<string, number>;
        const want = db.state === "active" ? 1 : 0;
        return scaling.minSize === want && scaling.desiredSize === want && scaling.maxSize === 1 ? undefined : JSON.stringify(scaling);
    },
    "every node of the group carries the database's label and taint, because they belong to the group": (r, db) => {
        const inputs = resource(r, TYPES.nodeGroup, `${db.id}-node`).inputs as any;
        return inputs.labels["questdb.cloud/database"] === db.id && inputs.taints[0].value === db.id ? undefined : "label or taint missing";
    },
    "the pod is managed by a StatefulSet, which recreates it, and can only schedule onto that node": (r, db) => {
        const pod = (resource(r, TYPES.statefulSet, `${db.id}-questdb`).inputs.spec as any).template.spec;
        return pod.nodeSelector["questdb.cloud/database"] === db.id && pod.tolerations.length === 1 ? undefined : "pod not pinned";
    },
    "the claim is bound by name to the one PV of the volume, so the same data follows the pod": (r, db) => {
        const claim = (resource(r, TYPES.claim, `${db.id}-pvc`).inputs.spec as any).volumeName;
        const pod = (resource(r, TYPES.statefulSet, `${db.id}-questdb`).inputs.spec as any).template.spec;
        const claimed = pod.volumes.find((v: any) => v.name === "data").persistentVolumeClaim.claimName;
        return claim === `qdb-${db.id}-data` && claimed === "questdb-data" ? undefined : `claim ${claim}, pod claims ${claimed}`;
    },
    "the PV requires the volume's zone and is retained, so a lost node never costs the volume": (r, db) => {
        const pv = resource(r, TYPES.persistentVolume, `${db.id}-pv`).inputs.spec as any;
        const zone = pv.nodeAffinity.required.nodeSelectorTerms[0].matchExpressions[0].values;
        const volumeZone = resource(r, TYPES.volume, `${db.id}-volume`).inputs.availabilityZone;
        return zone[0] === volumeZone && volumeZone === db.availabilityZone && pv.persistentVolumeReclaimPolicy === "Retain" ? undefined : `zone ${zone}`;
    },
};

describe("node failure is healed by construction", () => {
    let render: Render;
    const inventory = validateInventory(rawConfigOf(shippedStackBody("prod"), "prod"));
    before(async () => {
        render = await renderShippedStack("prod");
    });
    for (const [invariant, check] of Object.entries(INVARIANTS)) {
        test(invariant, () => {
            const running = inventory.databases.filter((d) => d.state !== "decommissioned");
            assert.ok(running.length >= 10);
            const broken = running.map((db) => [db.id, check(render, db)]).filter(([, failure]) => failure !== undefined);
            assert.deepEqual(broken, []);
        });
    }

    test("no PodDisruptionBudget can hold a drain, so replacing an unhealthy node never stalls", () => {
        assert.deepEqual(render.resources.filter((r) => r.type.includes("PodDisruptionBudget")), []);
    });

    test("the checks catch a broken invariant", () => {
        const db = inventory.databases.find((d) => d.id === "acme-analytics")!;
        const moved = { ...db, subnetId: "subnet-0aa11bb22cc33dd02" };
        assert.notEqual(INVARIANTS["the node group spans exactly the subnet of the volume's AZ, so a replacement instance lands there"](render, moved), undefined);
    });
});
