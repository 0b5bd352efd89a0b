/** Issue 22.7 and 22.8: what a Karpenter region checks of its cluster, and the limits past the node groups. */
import assert from "node:assert/strict";
import { test } from "node:test";
import { AWS_QUOTAS, InventoryError, MAX_DATABASES_LIMIT, validateInventory } from "../../inventory";
import { PreflightError } from "../../stacks/preflight";
import { karpenterPreflightProblems, onKarpenter } from "../../stacks/karpenterPreflight";
import { editedProd } from "../support/lifecycle";
import { runProgramCatchingError } from "../support/recordingRun";
import { rawConfigOf } from "../support/stacks";

const karpenterBody = editedProd((_dbs, region) => {
    region.nodeProvisioner = "karpenter";
});
const inventory = validateInventory(rawConfigOf(karpenterBody, "prod"));
const nodeRole = inventory.region.nodeRoleArn;
const SG = "sg-0123456789abcdef0";

test("a cluster that reports no cluster security group is refused with the command that shows it", () => {
    for (const missing of ["", "none"]) {
        const problems = karpenterPreflightProblems(inventory, { ok: { type: "EC2_LINUX" } }, missing);
        assert.deepEqual(problems.map((p) => [p.field, p.value]), [["clusterName", "qdb-prod-us-east-1"]]);
        assert.match(problems[0].reason, new RegExp(`vpcConfig\\.clusterSecurityGroupId is "${missing}"`));
        assert.match(problems[0].fix, /^check the cluster: aws eks describe-cluster --name qdb-prod-us-east-1 --query cluster\.resourcesVpcConfig\.clusterSecurityGroupId --region us-east-1 /);
    }
});

test("the node role must have an EC2_LINUX access entry; each other answer is one problem with its full fix", () => {
    assert.equal(onKarpenter(inventory), true);
    assert.deepEqual(karpenterPreflightProblems(inventory, { ok: { type: "EC2_LINUX" } }, SG), []);
    const missing = karpenterPreflightProblems(inventory, { error: "ResourceNotFoundException: The specified principalArn could not be found" }, SG);
    assert.deepEqual(missing.map((p) => [p.field, p.value]), [["nodeRoleArn", nodeRole]]);
    assert.match(missing[0].reason, /could not join cluster qdb-prod-us-east-1/);
    assert.match(missing[0].fix, new RegExp(`^aws eks create-access-entry --cluster-name qdb-prod-us-east-1 --principal-arn ${nodeRole} --type EC2_LINUX --region us-east-1`));
    const wrong = karpenterPreflightProblems(inventory, { ok: { type: "STANDARD" } }, SG);
    assert.match(wrong[0].reason, /of type STANDARD, not EC2_LINUX/);
    assert.match(wrong[0].fix, /aws eks delete-access-entry .* then aws eks create-access-entry/);
});

test("a Karpenter region whose node role cannot join stops at preview before any resource, with the quota unasked", async () => {
    const { error, registeredTypes, invokes } = await runProgramCatchingError(karpenterBody, { accessEntryType: undefined });
    assert.ok(error instanceof PreflightError, String(error));
    assert.match(error.message, /region \(Karpenter preflight\): nodeRoleArn = "[^"]+": has no EKS access entry/);
    assert.deepEqual(registeredTypes.filter((t) => t !== "pulumi:pulumi:Stack"), ["pulumi:pulumi:StackReference"]);
    assert.equal(invokes.filter((c) => c.token === "aws:eks/getAccessEntry:getAccessEntry").length, 1);
    // No database holds a node group: neither the node groups nor their quota is asked.
    assert.deepEqual(invokes.filter((c) => /getNodeGroups|getServiceQuota/.test(c.token)), []);
});

test("a Karpenter region on a cluster with no cluster security group stops at preview, before any resource", async () => {
    const { error, registeredTypes } = await runProgramCatchingError(karpenterBody, { clusterSecurityGroupId: "" });
    assert.ok(error instanceof PreflightError, String(error));
    assert.match(error.message, /region \(Karpenter preflight\): clusterName = "qdb-prod-us-east-1": reports no cluster security group/);
    assert.deepEqual(registeredTypes.filter((t) => t !== "pulumi:pulumi:Stack"), ["pulumi:pulumi:StackReference"]);
});

test("maxDatabases above the Pod Identity association limit cannot work and is refused naming the limit and its source", () => {
    assert.equal(MAX_DATABASES_LIMIT, AWS_QUOTAS.podIdentityAssociationsPerCluster.value - 1);
    const body = editedProd((_dbs, region) => {
        region.maxDatabases = MAX_DATABASES_LIMIT + 1;
    });
    assert.throws(() => validateInventory(rawConfigOf(body, "prod")), (err: unknown) => {
        assert.ok(err instanceof InventoryError);
        assert.match(err.message, /region: maxDatabases = 1000: cannot work: each database holds an EKS Pod Identity association/);
        assert.match(err.message, /EKS allows 1000 per cluster, not adjustable \(EKS user guide, Amazon EKS service quotas/);
        assert.match(err.message, /set questdb-cloud:region\.maxDatabases to 999 or less/);
        return true;
    });
    const atLimit = editedProd((_dbs, region) => {
        region.maxDatabases = MAX_DATABASES_LIMIT;
    });
    assert.equal(validateInventory(rawConfigOf(atLimit, "prod")).region.maxDatabases, MAX_DATABASES_LIMIT);
    // Zero is still the ordinary range error.
    assert.throws(() => validateInventory(rawConfigOf(editedProd((_d, region) => { region.maxDatabases = 0; }), "prod")), /outside the allowed range 1 to 999/);
});
