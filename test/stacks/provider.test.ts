import assert from "node:assert/strict";
import { before, test } from "node:test";
import { Render, RenderedResource, changedLeaves, changedPaths, renderInChild, requestFromStackFile } from "../../render";
import { FAKE_CLUSTER } from "../../render/mocks";
import { kubeconfigFor } from "../../stacks/kubeconfig";
import { clusterProviderArgs } from "../../stacks/provider";
import { impactOfRenders } from "../../tools/impact/report";
import { resourceImpact } from "../../tools/impact/group";
import { TYPES, resourcesOfType, shippedStackFile } from "../support/stacks";

const IDENTIFIER = "eks:us-east-1:qdb-prod-us-east-1";

function providerOf(render: Render): RenderedResource {
    const [provider] = resourcesOfType(render, TYPES.k8sProvider);
    assert.ok(provider, "no Kubernetes provider in the render");
    return provider;
}

function renderWithCluster(cluster: Parameters<typeof renderInChild>[0]["cluster"]): Promise<Render> {
    return renderInChild({ ...requestFromStackFile(shippedStackFile("prod"), false), cluster });
}

let base: Render;
let rotatedCa: Render;
let newEndpoint: Render;
before(async () => {
    [base, rotatedCa, newEndpoint] = await Promise.all([
        renderWithCluster(undefined),
        renderWithCluster({ certificateAuthorityData: Buffer.from("rotated certificate authority").toString("base64") }),
        renderWithCluster({ endpoint: "https://FEDCBA9876543210FEDCBA9876543210.gr7.mock.eks.amazonaws.com" }),
    ]);
});

test("the region's provider carries a stable clusterIdentifier derived from the cluster's name and region", () => {
    assert.equal(providerOf(base).inputs.clusterIdentifier, IDENTIFIER);
});

for (const [what, after] of [["a CA rotation", () => rotatedCa], ["a new API endpoint", () => newEndpoint]] as const) {
    test(`${what} changes only the provider's kubeconfig, and impact shows an update, not a replacement`, () => {
        const [b, a] = [providerOf(base), providerOf(after())];
        assert.deepEqual(changedPaths(b.inputs, a.inputs), ["kubeconfig"]);
        assert.equal(a.inputs.clusterIdentifier, IDENTIFIER);
        const region = impactOfRenders(base, after()).databases.find((d) => d.id === "(region)");
        assert.deepEqual(region?.resources.map((r) => [r.type, r.action]), [[TYPES.k8sProvider, "update"]]);
        // Nothing under the provider changes: no database is touched.
        assert.equal(impactOfRenders(base, after()).touchedDatabases, 0);
    });
}

/** The provider's change as impact sees it, from two sets of inputs. */
function providerChange(before: Record<string, unknown>, after: Record<string, unknown>) {
    const side = (inputs: Record<string, unknown>): RenderedResource => ({ type: TYPES.k8sProvider, name: "p", custom: true, inputs, options: {} });
    const inputChanges = changedLeaves(before, after);
    return resourceImpact({ kind: "update", type: TYPES.k8sProvider, name: "p", inputPaths: inputChanges.map((l) => l.path), inputChanges, optionPaths: [], before: side(before), after: side(after) });
}

const region = { awsRegion: "us-east-1", clusterName: "prod-use1" };
const access = { name: "prod-use1", endpoint: FAKE_CLUSTER.endpoint, certificateAuthorityData: FAKE_CLUSTER.certificateAuthorityData, awsRegion: "us-east-1" };

function withTokenArgs(extra: string[]): string {
    const config = JSON.parse(kubeconfigFor(access));
    config.users[0].user.exec.args.push(...extra);
    return JSON.stringify(config);
}

test("different get-token arguments are an update of the provider", () => {
    const before = clusterProviderArgs(region, kubeconfigFor(access)) as Record<string, unknown>;
    const after = clusterProviderArgs(region, withTokenArgs(["--role-arn", "arn:aws:iam::123456789012:role/deployer"])) as Record<string, unknown>;
    assert.equal(after.clusterIdentifier, before.clusterIdentifier);
    assert.deepEqual(providerChange(before, after).action, "update");
});

test("impact follows pulumi-kubernetes' DiffConfig: without an identifier a new endpoint replaces, a changed identifier always does", () => {
    const moved = kubeconfigFor({ ...access, endpoint: "https://elsewhere.example" });
    assert.equal(providerChange({ kubeconfig: kubeconfigFor(access) }, { kubeconfig: moved }).action, "replace");
    assert.equal(providerChange({ kubeconfig: kubeconfigFor(access) }, { kubeconfig: withTokenArgs(["--profile", "x"]) }).action, "update");
    assert.equal(providerChange({ kubeconfig: moved, clusterIdentifier: "a" }, { kubeconfig: moved, clusterIdentifier: "b" }).action, "replace");
    // Adding the identifier to a provider that had none is an update when the cluster stays the same.
    assert.equal(providerChange({ kubeconfig: kubeconfigFor(access) }, clusterProviderArgs(region, kubeconfigFor(access)) as Record<string, unknown>).action, "update");
});
