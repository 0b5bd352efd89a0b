import assert from "node:assert/strict";
import { test } from "node:test";
import { Render, RenderedResource } from "../../render/types";
import { impactOfRenders } from "../../tools/impact/report";
import { DATABASE_COMPONENT } from "../../tools/impact/types";

// Hand-built renders: classification depends only on resource types and input paths.
const db: RenderedResource = { type: DATABASE_COMPONENT, name: "db1", custom: false, inputs: {}, options: {} };
const part = (type: string, name: string, inputs: Record<string, unknown>, options = {}): RenderedResource =>
    ({ type, name, parent: "db1", custom: true, inputs, options });
const render = (...resources: RenderedResource[]): Render =>
    ({ stack: "s", preview: false, resources: [db, ...resources], outputs: {}, invokes: {} });

function kindOf(before: RenderedResource, after?: RenderedResource): string[] {
    const report = impactOfRenders(render(before), after ? render(after) : render());
    return report.databases.flatMap((d) => d.resources.map((r) => `${r.action}:${r.kind}`));
}

const NG = "aws:eks/nodeGroup:NodeGroup";
const PV = "kubernetes:core/v1:PersistentVolume";
const STS = "kubernetes:apps/v1:StatefulSet";

test("node group: releaseVersion rolls the node; an AMI type change replaces it; scaling is in place", () => {
    const ng = (inputs: Record<string, unknown>) => part(NG, "db1-node", { amiType: "AL2023_x86_64_STANDARD", releaseVersion: "1", scalingConfig: { desiredSize: 1 }, ...inputs });
    assert.deepEqual(kindOf(ng({}), ng({ releaseVersion: "2" })), ["update:rolling-node-update"]);
    assert.deepEqual(kindOf(ng({}), ng({ amiType: "AL2023_ARM_64_STANDARD" })), ["replace:node-replacement"]);
    assert.deepEqual(kindOf(ng({}), ng({ scalingConfig: { desiredSize: 2 } })), ["update:in-place-update"]);
});

test("PersistentVolume: a new volume handle replaces it (data at risk); capacity growth is a volume change", () => {
    const pv = (csi: string, size: string) => part(PV, "db1-pv", { metadata: { name: "pv" }, spec: { csi: { volumeHandle: csi }, capacity: { storage: size } } });
    assert.deepEqual(kindOf(pv("vol-1", "1Gi"), pv("vol-2", "1Gi")), ["replace:data-at-risk"]);
    assert.deepEqual(kindOf(pv("vol-1", "1Gi"), pv("vol-1", "2Gi")), ["update:volume-change"]);
});

test("StatefulSet: template change restarts, replicas 0 is down, a new selector replaces it", () => {
    const sts = (spec: Record<string, unknown>, name = "q") =>
        part(STS, "db1-questdb", { metadata: { name }, spec: { replicas: 1, selector: { a: "1" }, template: { image: "v1" }, ...spec } });
    assert.deepEqual(kindOf(sts({}), sts({ template: { image: "v2" } })), ["update:rolling-restart"]);
    assert.deepEqual(kindOf(sts({}), sts({ replicas: 0 })), ["update:down"]);
    assert.deepEqual(kindOf(sts({}), sts({ selector: { a: "2" } })), ["replace:rolling-restart"]);
    assert.deepEqual(kindOf(sts({}), sts({}, "renamed")), ["replace:rolling-restart"]);
});

test("backup identity: a new namespace or service account replaces the Pod Identity association; a new role ARN is in place", () => {
    const association = (inputs: Record<string, unknown>) => part("aws:eks/podIdentityAssociation:PodIdentityAssociation", "db1-backup-identity",
        { clusterName: "c", namespace: "qdb-db1", serviceAccount: "questdb-backup", roleArn: "arn:1", ...inputs });
    assert.deepEqual(kindOf(association({}), association({ namespace: "qdb-db2" })).map((k) => k.split(":")[0]), ["replace"]);
    assert.deepEqual(kindOf(association({}), association({ serviceAccount: "other" })).map((k) => k.split(":")[0]), ["replace"]);
    assert.deepEqual(kindOf(association({}), association({ roleArn: "arn:2" })).map((k) => k.split(":")[0]), ["update"]);
    const policy = (role: string) => part("aws:iam/rolePolicy:RolePolicy", "db1-backup-policy", { role, policy: "{}" });
    assert.deepEqual(kindOf(policy("r1"), policy("r2")).map((k) => k.split(":")[0]), ["replace"]);
});

test("a protected volume that is deleted is data at risk and blocks the real preview", () => {
    const volume = part("aws:ebs/volume:Volume", "db1-volume", { size: 10 }, { protect: true });
    const report = impactOfRenders(render(volume), render());
    assert.deepEqual([report.dataAtRisk, report.previewWillFail, report.touchedDatabases], [true, true, 1]);
    const unprotected = part("aws:ebs/volume:Volume", "db1-volume", { size: 10 });
    assert.equal(impactOfRenders(render(unprotected), render()).previewWillFail, false);
});

/** The region's Kubernetes provider with the shipped program's flags. */
const mutableProvider: RenderedResource = {
    type: "pulumi:providers:kubernetes", name: "cluster", custom: true, options: {},
    inputs: { clusterIdentifier: "c", enableConfigMapMutable: true, enableSecretMutable: true },
};

function actionsWith(provider: RenderedResource | undefined, before: RenderedResource, after: RenderedResource): string[] {
    const extra = provider ? [provider] : [];
    const report = impactOfRenders(render(...extra, before), render(...extra, after));
    return report.databases.flatMap((d) => d.resources.map((r) => `${r.action}:${r.name}`));
}

test("replaceOnChanges declared on a resource turns a changed path into a replacement", () => {
    const cm = (data: string, options = {}) => part("kubernetes:core/v1:ConfigMap", "db1-config", { data: { x: data } }, options);
    assert.deepEqual(actionsWith(mutableProvider, cm("a"), cm("b")), ["update:db1-config"]);
    assert.deepEqual(actionsWith(mutableProvider, cm("a", { replaceOnChanges: ["data"] }), cm("b", { replaceOnChanges: ["data"] })), ["replace:db1-config"]);
});

test("ConfigMap and Secret data replace under the provider's defaults and update in place once the provider makes them mutable", () => {
    const cm = (data: string, extra = {}) => part("kubernetes:core/v1:ConfigMap", "db1-config", { data: { x: data }, ...extra });
    const secret = (data: string, type = "Opaque") => part("kubernetes:core/v1:Secret", "db1-credentials", { type, stringData: { x: data } });
    assert.deepEqual(actionsWith(undefined, cm("a"), cm("b")), ["replace:db1-config"]);
    assert.deepEqual(actionsWith(undefined, secret("a"), secret("b")), ["replace:db1-credentials"]);
    assert.deepEqual(actionsWith(mutableProvider, cm("a"), cm("b")), ["update:db1-config"]);
    assert.deepEqual(actionsWith(mutableProvider, secret("a"), secret("b")), ["update:db1-credentials"]);
    // An immutable object, or a Secret's type, replaces whatever the flags say (provider diff.go).
    assert.deepEqual(actionsWith(mutableProvider, cm("a", { immutable: true }), cm("b", { immutable: true })), ["replace:db1-config"]);
    assert.deepEqual(actionsWith(mutableProvider, secret("a"), secret("a", "kubernetes.io/basic-auth")), ["replace:db1-credentials"]);
});
