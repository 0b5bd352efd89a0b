import assert from "node:assert/strict";
import { test } from "node:test";
import { validateInventory } from "../../inventory";
import { PreflightError, networkPolicyEnabled, preflightProblems } from "../../stacks/preflight";
import { runProgramCatchingError } from "../support/recordingRun";
import { rawConfigOf, shippedStackBody } from "../support/stacks";

const region = validateInventory(rawConfigOf(shippedStackBody("prod"), "prod")).region;
const ready = {
    ebsCsi: { ok: { addonVersion: "v1" } },
    vpcCni: { ok: { configurationValues: '{"enableNetworkPolicy":"true"}' } },
    kmsKey: { ok: { keyState: "Enabled", keyUsage: "ENCRYPT_DECRYPT", keySpec: "SYMMETRIC_DEFAULT" } },
    podIdentityAgent: { ok: {} },
    nodeRole: { ok: { denied: [] } },
    driverKey: { role: "arn:aws:iam::444455556666:role/ebs-csi-driver", simulation: { ok: { denied: [] } } },
};

test("a ready cluster passes; each missing precondition is one problem naming the fix", () => {
    assert.deepEqual(preflightProblems(region, ready), []);
    const missing = preflightProblems(region, {
        ebsCsi: { error: "ResourceNotFoundException: No addon" },
        vpcCni: { ok: { configurationValues: '{"env":{"WARM_IP_TARGET":"2"}}' } },
        kmsKey: { ok: { keyState: "PendingDeletion", keyUsage: "ENCRYPT_DECRYPT", keySpec: "SYMMETRIC_DEFAULT" } },
        podIdentityAgent: { ok: {} },
        nodeRole: { ok: { denied: [] } },
    });
    assert.deepEqual(missing.map((p) => p.field), [
        "add-on aws-ebs-csi-driver", "add-on vpc-cni.configurationValues.enableNetworkPolicy", "volumeKmsKeyId",
    ]);
    assert.match(missing[0].fix, /aws eks create-addon --cluster-name qdb-prod-us-east-1 --addon-name aws-ebs-csi-driver/);
    assert.match(missing[1].reason, /silently not enforced/);
    assert.match(missing[2].reason, /PendingDeletion/);
    // No key configured: no key question is asked or judged.
    assert.deepEqual(preflightProblems({ ...region, volumeKmsKeyId: undefined }, { ...ready, kmsKey: undefined, driverKey: undefined }), []);
});

test("network policy counts as on only when the add-on's configuration says so", () => {
    assert.equal(networkPolicyEnabled('{"enableNetworkPolicy":"true"}'), true);
    assert.equal(networkPolicyEnabled('{"enableNetworkPolicy":true}'), true);
    assert.equal(networkPolicyEnabled('{"enableNetworkPolicy":"false"}'), false);
    assert.equal(networkPolicyEnabled(""), false);
    assert.equal(networkPolicyEnabled("not json"), false);
});

test("the program stops at preview with every missing precondition, before registering any resource", async () => {
    const { error, registeredTypes } = await runProgramCatchingError(shippedStackBody("prod"), {
        addons: { "aws-ebs-csi-driver": "", "eks-pod-identity-agent": "" },
        kmsKeyState: "Disabled",
    });
    assert.ok(error instanceof PreflightError, String(error));
    assert.match(error.message, /^Stack "prod"'s cluster is missing what the program relies on \(2 problems\); nothing was changed:/);
    assert.match(error.message, /region \(cluster preflight\): add-on vpc-cni = "[^"]+": is not an EKS add-on of cluster qdb-prod-us-east-1/);
    assert.match(error.message, /volumeKmsKeyId = "arn:aws:kms:[^"]+": is Disabled/);
    // Only the stack's read of its own outputs came before the check.
    assert.deepEqual(registeredTypes.filter((t) => t !== "pulumi:pulumi:Stack"), ["pulumi:pulumi:StackReference"]);
});

test("issue 27.3: the Pod Identity agent add-on and the node role's eks-auth:AssumeRoleForPodIdentity are preconditions", () => {
    const problems = preflightProblems(region, {
        ...ready,
        podIdentityAgent: { error: "ResourceNotFoundException: No addon: eks-pod-identity-agent found" },
        nodeRole: { ok: { denied: ["eks-auth:AssumeRoleForPodIdentity (implicitDeny)"] } },
    });
    assert.deepEqual(problems.map((p) => [p.field, p.value]), [
        ["add-on eks-pod-identity-agent", "ResourceNotFoundException: No addon: eks-pod-identity-agent found"],
        ["nodeRoleArn", region.nodeRoleArn],
    ]);
    assert.match(problems[0].reason, /every backup and drill pod would start without AWS credentials/);
    assert.equal(problems[0].fix, "install it: aws eks create-addon --cluster-name qdb-prod-us-east-1 --addon-name eks-pod-identity-agent --region us-east-1");
    assert.match(problems[1].reason, /is not allowed eks-auth:AssumeRoleForPodIdentity \(implicitDeny\)/);
    assert.match(problems[1].fix, /aws iam attach-role-policy --role-name [^ ]+ --policy-arn arn:aws:iam::aws:policy\/AmazonEKSWorkerNodePolicy/);
    // A simulator the preview role may not call is a problem too, naming the permission.
    const blind = preflightProblems(region, { ...ready, nodeRole: { error: "AccessDenied: not authorized to perform: iam:SimulatePrincipalPolicy" } });
    assert.deepEqual(blind.map((p) => p.field), ["nodeRoleArn"]);
    assert.match(blind[0].fix, /iam:SimulatePrincipalPolicy/);
});

test("issue 27.1: with a customer-managed key, the EBS CSI driver's role must pass the simulation of the key's actions", () => {
    const denied = preflightProblems(region, { ...ready, driverKey: { role: "arn:aws:iam::444455556666:role/ebs-csi-driver", simulation: { ok: { denied: ["kms:CreateGrant (implicitDeny)"] } } } });
    assert.deepEqual(denied.map((p) => [p.field, p.value]), [["add-on aws-ebs-csi-driver role", "arn:aws:iam::444455556666:role/ebs-csi-driver"]]);
    assert.match(denied[0].reason, /is not allowed kms:CreateGrant \(implicitDeny\), so it cannot use volumeKmsKeyId's key through EBS; pods would stay ContainerCreating/);
    const fix = denied[0].fix;
    assert.match(fix, /^aws iam put-role-policy --role-name ebs-csi-driver --policy-name questdb-volume-key --policy-document '/);
    const policy = JSON.parse(/--policy-document '([^']+)'/.exec(fix)![1]);
    assert.deepEqual(policy.Statement[0].Condition, { Bool: { "kms:GrantIsForAWSResource": "true" } });
    assert.ok(policy.Statement.every((s: { Resource: string }) => s.Resource === region.volumeKmsKeyId));
    assert.match(fix, /check the key policy \(docs\/runbook.md/);
    const roleless = preflightProblems(region, { ...ready, driverKey: { role: undefined } });
    assert.match(roleless[0].reason, /has no IAM role \(neither serviceAccountRoleArn nor a Pod Identity association\)/);
    assert.match(roleless[0].fix, /aws eks update-addon --cluster-name qdb-prod-us-east-1 --addon-name aws-ebs-csi-driver --service-account-role-arn/);
});
