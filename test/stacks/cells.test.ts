/**
 * Cells (docs/decisions.md, "Cells"): two stack files on one cluster, rendered under the mock
 * runtime, register no two Kubernetes objects of the same identity and no two AWS resources of
 * the same physical name; the owner renders the cluster's shared objects, the cell uses them by name.
 */
import { before, describe, it } from "node:test";
import * as assert from "node:assert/strict";
import * as path from "path";
import { stringify } from "yaml";
import { parseStackFile, readStackFile } from "../../inventory";
import { Render, RenderedResource, renderInChild, requestFromStackFile } from "../../render";

const CELLS = path.join(__dirname, "..", "fixtures", "cells");
const cellFile = (stack: string) => readStackFile(path.join(CELLS, `Pulumi.${stack}.yaml`));
const render = (stack: string) => renderInChild(requestFromStackFile(cellFile(stack), false));

type Inputs = Record<string, any>;
const inputs = (r: RenderedResource) => r.inputs as Inputs;

/** apiVersion, kind, namespace, name: what the API server keys an object by. */
export function kubernetesIdentity(r: RenderedResource): string | undefined {
    const i = inputs(r);
    if (!r.custom || !r.type.startsWith("kubernetes:") || typeof i.kind !== "string") {
        return undefined;
    }
    return `${i.apiVersion} ${i.kind} ${i.metadata?.namespace ?? ""}/${i.metadata?.name}`;
}

/** The name AWS keys a resource by, where the program chooses it; undefined for auto-named ones (a random suffix). */
export function awsPhysicalName(r: RenderedResource): string | undefined {
    const i = inputs(r);
    if (!r.custom || !r.type.startsWith("aws:")) {
        return undefined;
    }
    if (r.type === "aws:eks/podIdentityAssociation:PodIdentityAssociation") {
        return `${r.type} ${i.clusterName}/${i.namespace}/${i.serviceAccount}`;
    }
    if (r.type === "aws:route53/record:Record") {
        return `${r.type} ${i.zoneId}/${i.name}/${i.type}`;
    }
    const name = i.name ?? i.nodeGroupName ?? i.namePrefix ?? i.nodeGroupNamePrefix;
    return name === undefined ? undefined : `${r.type} ${name}`;
}

/** Every identity that both renders register. */
function clashes(a: Render, b: Render, key: (r: RenderedResource) => string | undefined): string[] {
    const ofA = new Set(a.resources.map(key).filter((k): k is string => k !== undefined));
    return [...new Set(b.resources.map(key).filter((k): k is string => k !== undefined && ofA.has(k)))].sort();
}

const byKind = (r: Render, kind: string) => r.resources.filter((x) => inputs(x).kind === kind);

describe("two cells on one cluster", () => {
    let owner: Render;
    let cell: Render;
    let twoSolos: Render;
    before(async () => {
        // The control: the cell's file without sharedClusterOwner owns the cluster too, as two stacks did before cells.
        const body = cellFile("eu-cell-b");
        const region = JSON.parse(body.config["questdb-cloud:region"]);
        delete region.sharedClusterOwner;
        const text = stringify({ config: { ...Object.fromEntries(Object.entries(body.config).map(([k, v]) => [k, k.startsWith("questdb-cloud:") ? JSON.parse(v) : v])), "questdb-cloud:region": region } });
        [owner, cell, twoSolos] = await Promise.all([render("eu-cell-a"), render("eu-cell-b"),
            renderInChild(requestFromStackFile(parseStackFile(text, "Pulumi.eu-solo-b.yaml"), false))]);
    });

    it("the check sees clashes: without sharedClusterOwner the second stack collides with the first", () => {
        const k8s = clashes(owner, twoSolos, kubernetesIdentity);
        for (const expected of ["storage.k8s.io/v1 StorageClass /questdb-ebs-static-immediate", "gateway.networking.k8s.io/v1 Gateway traefik/questdb",
            "traefik.io/v1alpha1 TLSOption traefik/default", "apps/v1 Deployment monitoring/questdb-pushgateway", "v1 Namespace /questdb-drills",
            "admissionregistration.k8s.io/v1 ValidatingAdmissionPolicy /questdb-drill-pvs", "rbac.authorization.k8s.io/v1 ClusterRole /questdb-drill-pv"]) {
            assert.ok(k8s.includes(expected), `expected a clash on ${expected}: ${k8s.join("; ")}`);
        }
        assert.ok(clashes(owner, twoSolos, awsPhysicalName).some((c) => c.includes("PodIdentityAssociation")));
    });

    it("no Kubernetes object of the same apiVersion, kind, namespace and name", () => {
        assert.deepEqual(clashes(owner, cell, kubernetesIdentity), []);
    });

    it("no AWS resource of the same physical name", () => {
        assert.ok(owner.resources.some((r) => awsPhysicalName(r)) && cell.resources.some((r) => awsPhysicalName(r)));
        assert.deepEqual(clashes(owner, cell, awsPhysicalName), []);
    });

    it("the owner keeps every StorageClass; the cell creates none and its claims name the owner's", () => {
        const classes = byKind(owner, "StorageClass").map((r) => inputs(r).metadata.name).sort();
        assert.deepEqual(classes, ["questdb-ebs-static", "questdb-ebs-static-immediate"]);
        assert.deepEqual(byKind(cell, "StorageClass"), []);
        for (const claim of byKind(cell, "PersistentVolumeClaim")) {
            assert.ok(classes.includes(inputs(claim).spec.storageClassName), inputs(claim).spec.storageClassName);
        }
    });

    it("the cell attaches to the owner's Gateway and pushes to the owner's Pushgateway, rendering neither", () => {
        for (const kind of ["Gateway", "TLSOption", "Deployment", "Certificate"]) {
            const shared = byKind(cell, kind).filter((r) => !String(inputs(r).metadata.namespace).startsWith("qdb-"));
            assert.deepEqual(shared.map(kubernetesIdentity), [], kind);
        }
        const gateway = inputs(byKind(owner, "Gateway")[0]).metadata;
        for (const route of byKind(cell, "HTTPRoute")) {
            const [parent] = inputs(route).spec.parentRefs;
            assert.deepEqual([parent.name, parent.namespace], [gateway.name, gateway.namespace]);
        }
        const service = inputs(byKind(owner, "Service").find((r) => inputs(r).metadata.name === "questdb-pushgateway") as RenderedResource);
        const url = `http://${service.metadata.name}.${service.metadata.namespace}.svc:${service.spec.ports[0].port}`;
        const pushUrls = byKind(cell, "CronJob").map((c) => inputs(c).spec.jobTemplate.spec.template.spec.containers[0].env.find((e: Inputs) => e.name === "PUSHGATEWAY_URL")?.value);
        assert.ok(pushUrls.length >= 3);
        assert.deepEqual([...new Set(pushUrls)], [url]);
        assert.equal(cell.resources.filter((r) => r.type.startsWith("questdb-cloud:index:FleetMonitoring")).length, 0);
    });

    it("every cell's admission policy judges every cell's drill runner, against its own tenant volumes", () => {
        const cellNamespace = inputs(byKind(cell, "Namespace").find((n) => inputs(n).metadata.name.startsWith("questdb-drills")) as RenderedResource).metadata;
        assert.equal(cellNamespace.name, "questdb-drills-eu-cell-b");
        for (const r of [owner, cell]) {
            const [policy] = byKind(r, "ValidatingAdmissionPolicy");
            const match = inputs(policy).spec.matchConditions[0].expression as string;
            assert.match(match, /startsWith\('system:serviceaccount:questdb-drills'\)/);
            const [params] = byKind(r, "ConfigMap").filter((c) => inputs(c).metadata.name === "questdb-drill-pvs");
            const [binding] = byKind(r, "ValidatingAdmissionPolicyBinding");
            assert.equal(inputs(binding).spec.paramRef.namespace, inputs(params).metadata.namespace);
            assert.equal(inputs(binding).spec.policyName, inputs(policy).metadata.name);
        }
        // The paused database's volume is listed too: a detached volume is the one a drill could attach.
        const cellParams = inputs(byKind(cell, "ConfigMap").find((c) => inputs(c).metadata.name === "questdb-drill-pvs") as RenderedResource);
        assert.deepEqual(Object.values(cellParams.data).sort(), ["charlie", "delta", "echo"]);
        const netpol = inputs(byKind(owner, "NetworkPolicy").find((n) => inputs(n).metadata.name === "questdb-pushgateway") as RenderedResource);
        assert.ok(netpol.spec.ingress[0].from.some((f: Inputs) => f.namespaceSelector?.matchExpressions?.[0]?.key === "questdb.cloud/drills"));
        assert.equal(cellNamespace.labels["questdb.cloud/drills"], "true");
    });

    it("a cell's runner may delete only drill PVs claimed in its own drills namespace, not another cell's drill in progress", () => {
        for (const r of [owner, cell]) {
            const [policy] = byKind(r, "ValidatingAdmissionPolicy");
            const deletes = (inputs(policy).spec.validations as Inputs[]).filter((v) => v.expression.startsWith("request.operation != 'DELETE'"));
            assert.equal(deletes.length, 1);
            assert.ok(deletes[0].expression.includes("request.userInfo.username == 'system:serviceaccount:' + oldObject.spec.claimRef.namespace + ':questdb-drill'"), deletes[0].expression);
            assert.equal(deletes[0].message, "a drill may delete only a drill run's PVs claimed in its own drills namespace");
        }
    });

    it("the cell's Pod Identity roles trust its own drills namespace", () => {
        const association = cell.resources.find((r) => r.name === "questdb-drills-identity") as RenderedResource;
        assert.equal(inputs(association).namespace, "questdb-drills-eu-cell-b");
        const role = cell.resources.find((r) => r.name === "questdb-drills-aws-role") as RenderedResource;
        assert.match(String(inputs(role).assumeRolePolicy), /questdb-drills-eu-cell-b/);
    });
});
