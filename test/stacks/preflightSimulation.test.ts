// Issue 27.1 and 27.3: the identity side of the node role and of the EBS CSI driver's role, simulated
// once per stack before any resource is registered (a second program run: its own process).
import assert from "node:assert/strict";
import { test } from "node:test";
import { validateInventory } from "../../inventory";
import { PreflightError } from "../../stacks/preflight";
import { runProgramCatchingError } from "../support/recordingRun";
import { rawConfigOf, shippedStackBody } from "../support/stacks";

const region = validateInventory(rawConfigOf(shippedStackBody("prod"), "prod")).region;

test("the simulations go to IAM once per stack, with the driver's role, the key and the context EBS sends", async () => {
    const { error, registeredTypes, invokes } = await runProgramCatchingError(shippedStackBody("prod"), {
        addons: { "aws-ebs-csi-driver": "", "vpc-cni": JSON.stringify({ enableNetworkPolicy: "true" }) },
        deniedActions: ["kms:CreateGrant", "eks-auth:AssumeRoleForPodIdentity"],
    });
    assert.ok(error instanceof PreflightError, String(error));
    assert.match(error.message, /\(3 problems\)/);
    assert.match(error.message, /add-on eks-pod-identity-agent = /);
    assert.match(error.message, /nodeRoleArn = "arn:aws:iam::[^"]+": is not allowed eks-auth:AssumeRoleForPodIdentity \(implicitDeny\)/);
    assert.match(error.message, /add-on aws-ebs-csi-driver role = "arn:aws:iam::123456789012:role\/ebs-csi-driver": is not allowed kms:CreateGrant \(implicitDeny\)/);
    assert.deepEqual(registeredTypes.filter((t) => t !== "pulumi:pulumi:Stack"), ["pulumi:pulumi:StackReference"]);
    const simulations = invokes.filter((i) => i.token === "aws:iam/getPrincipalPolicySimulation:getPrincipalPolicySimulation").map((i) => i.inputs);
    assert.equal(simulations.length, 2);
    const driver = simulations.find((s) => s.policySourceArn === "arn:aws:iam::123456789012:role/ebs-csi-driver")!;
    assert.deepEqual(driver.resourceArns, [region.volumeKmsKeyId]);
    assert.ok((driver.actionNames as string[]).includes("kms:CreateGrant"));
    assert.deepEqual(driver.contexts, [
        { key: "kms:GrantIsForAWSResource", type: "boolean", values: ["true"] },
        { key: "kms:ViaService", type: "string", values: ["ec2.us-east-1.amazonaws.com"] },
    ]);
    const node = simulations.find((s) => s.policySourceArn === region.nodeRoleArn)!;
    assert.deepEqual([node.actionNames, node.resourceArns], [["eks-auth:AssumeRoleForPodIdentity"], ["arn:aws:eks:us-east-1:123456789012:cluster/qdb-prod-us-east-1"]]);
});
