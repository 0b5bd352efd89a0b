/** Issue 22.6: an update whose node groups would peak above the cluster's quota is refused at preview, with the numbers. */
import assert from "node:assert/strict";
import { before, describe, test } from "node:test";
import { stringify } from "yaml";
import { DeployedFacts, deployedFactsOf, nodeGroupPeak, parseStackFile, validateInventory } from "../../inventory";
import { Render, RenderError, renderInChild } from "../../render";
import { MockCluster } from "../../render/mocks";
import { requestFromStackFile } from "../../render/request";
import { nodeGroupQuotaProblems } from "../../stacks/nodeGroupQuota";
import { StackBody, editedProd, entry } from "../support/lifecycle";
import { rawConfigOf, shippedStackBody } from "../support/stacks";

const prod = shippedStackBody("prod");
const inventory = validateInventory(rawConfigOf(prod, "prod"));
const onGroups = inventory.databases.filter((d) => d.state !== "decommissioned" && d.nodeProvisioner === "managedNodeGroup");
const others = (n: number) => Array.from({ length: n }, (_, i) => `system-${i}`);
/** What a deployment of prod recorded, with the node group names the mocks' getNodeGroups then reports. */
const deployed: Record<string, DeployedFacts> = Object.fromEntries(inventory.databases.map((d) => [d.id, {
    ...deployedFactsOf(d, inventory.region), ...(d.state !== "decommissioned" ? { nodeGroupName: `qdb-${d.id}-20261201000000000000000001` } : {}),
}]));
const recordedNames = Object.values(deployed).map((f) => (f as { nodeGroupName?: string }).nodeGroupName).filter((n): n is string => !!n);

function render(body: StackBody, cluster: Partial<MockCluster>, previousOutputs?: Record<string, unknown>): Promise<Render> {
    const file = parseStackFile(stringify(body), "Pulumi.prod.yaml", "prod");
    return renderInChild({ ...requestFromStackFile(file, true), previousOutputs, cluster });
}

async function refusal(body: StackBody, cluster: Partial<MockCluster>, previousOutputs?: Record<string, unknown>): Promise<string> {
    let message = "";
    await assert.rejects(render(body, cluster, previousOutputs), (err: unknown) => {
        assert.ok(err instanceof RenderError, String(err));
        message = err.message;
        return true;
    });
    return message;
}

test("the peak counts this stack's groups, create-first replacements, groups deleted at the end, and the cluster's others", () => {
    const changed = validateInventory(rawConfigOf(editedProd((dbs) => {
        entry(dbs, "acme-analytics").instanceType = "m7i.2xlarge";
        entry(dbs, "hooli-events").nodeProvisioner = "karpenter";
    }), "prod"));
    const peak = nodeGroupPeak(changed.databases, deployed, [...recordedNames, "system-0", "system-1"]);
    assert.equal(peak.held.length, onGroups.length - 1);
    assert.deepEqual(peak.replaced, [{ id: "acme-analytics", from: inventory.databases.find((d) => d.id === "acme-analytics")?.instanceType, to: "m7i.2xlarge" }]);
    // Moved to Karpenter: its node group is deleted only after the rest of the update.
    assert.deepEqual(peak.leaving, ["hooli-events"]);
    assert.deepEqual(peak.foreign, ["system-0", "system-1"]);
    assert.equal(peak.peak, onGroups.length - 1 + 1 + 1 + 2);
    // A first deployment owns no name yet: every node group of the cluster is someone else's.
    const first = nodeGroupPeak(inventory.databases, {}, ["system-0"]);
    assert.deepEqual([first.held.length, first.added.length, first.replaced.length, first.foreign], [onGroups.length, onGroups.length, 0, ["system-0"]]);
});

test("a database moved in from another cell brings its node group: counted once, as this stack's, not also as a foreign one", () => {
    const [moved, ...rest] = onGroups;
    const itsGroup = `qdb-${moved.id}-${"0".repeat(26)}`;
    // This stack's outputs do not list it yet; the cluster has its group, and a lookalike of a longer id.
    const deployedHere = Object.fromEntries(Object.entries(deployed).filter(([id]) => id !== moved.id));
    const peak = nodeGroupPeak(inventory.databases, deployedHere, [...recordedNames.filter((n) => !n.startsWith(`qdb-${moved.id}-`)), itsGroup, `qdb-${moved.id}-x-${"0".repeat(26)}`]);
    assert.deepEqual(peak.foreign, [`qdb-${moved.id}-x-${"0".repeat(26)}`]);
    assert.ok(!peak.added.includes(moved.id));
    assert.equal(peak.peak, rest.length + 1 + 1);
});

test("unanswered lookups are problems naming the permission, never a silent pass", () => {
    const problems = nodeGroupQuotaProblems(inventory, {}, { nodeGroups: { error: "AccessDeniedException" }, quota: { error: "AccessDeniedException: servicequotas:GetServiceQuota" } });
    assert.deepEqual(problems.map((p) => p.field), ["clusterName", "managed node groups per cluster (eks L-6D54EA21)"]);
    assert.match(problems[0].fix, /eks:ListNodegroups/);
    assert.match(problems[1].fix, /servicequotas:GetServiceQuota/);
});

describe("under the program, at preview", () => {
    const cap = 30;
    test("a first deployment over the quota is refused with the numbers and the fixes", async () => {
        const message = await refusal(prod, { nodeGroupQuota: cap, foreignNodeGroups: others(cap - onGroups.length + 1) });
        assert.match(message, new RegExp(`this update needs ${cap + 1} managed node groups at its peak on cluster qdb-prod-us-east-1, more than its quota of ${cap}`));
        assert.match(message, new RegExp(`${onGroups.length} of this stack's databases hold one after it \\(${onGroups.length} new: `));
        assert.match(message, new RegExp(`${cap - onGroups.length + 1} not owned by this stack \\(system-`));
        assert.match(message, new RegExp(`aws service-quotas request-service-quota-increase --service-code eks --quota-code L-6D54EA21 --desired-value ${cap + 1} --region us-east-1`));
        assert.match(message, /put 1 of the databases this change adds \([^)]+\) on Karpenter: set `nodeProvisioner: karpenter` in their entries/);
    });

    test("a first deployment that fits passes", async () => {
        const ok = await render(prod, { nodeGroupQuota: cap, foreignNodeGroups: others(cap - onGroups.length) });
        assert.equal(ok.resources.filter((r) => r.type === "aws:eks/nodeGroup:NodeGroup").length, onGroups.length);
    });

    describe("an instance-type change at the cap", () => {
        const changed = editedProd((dbs) => {
            entry(dbs, "acme-analytics").instanceType = "m7i.2xlarge";
        });
        const previousOutputs = { databases: deployed, retiredIds: [] };
        // The cluster is full: this stack's groups and the others', no room for a create-first replacement.
        const full = { nodeGroupQuota: cap, foreignNodeGroups: others(cap - onGroups.length) };

        test("is refused, naming the replacement and offering to split", async () => {
            const message = await refusal(changed, full, previousOutputs);
            assert.match(message, new RegExp(`needs ${cap + 1} managed node groups at its peak .* more than its quota of ${cap}`));
            assert.match(message, /1 replaced create-first \(acme-analytics [a-z0-9.]+ -> m7i\.2xlarge\)/);
            assert.match(message, /move 1 databases to Karpenter first, in a change of its own/);
        });

        test("the same edit with one group to spare passes; no edit at the cap passes", async () => {
            await render(changed, { ...full, nodeGroupQuota: cap + 1 }, previousOutputs);
            await render(prod, full, previousOutputs);
        });
    });
});

describe("a region all on Karpenter", () => {
    let rendered: Render;
    before(async () => {
        rendered = await render(editedProd((_dbs, region) => {
            region.nodeProvisioner = "karpenter";
        }), { nodeGroupQuota: 0 });
    });
    test("asks nothing about node groups and is never refused by their quota", () => {
        assert.ok(rendered.resources.some((r) => r.type === "kubernetes:karpenter.sh/v1:NodePool"));
        assert.ok(!rendered.resources.some((r) => r.type === "aws:eks/nodeGroup:NodeGroup"));
    });
});
