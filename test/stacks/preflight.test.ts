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
};

test("a ready cluster passes; each missing precondition is one problem naming the fix", () => {
    assert.deepEqual(preflightProblems(region, ready), []);
    const missing = preflightProblems(region, {
        ebsCsi: { error: "ResourceNotFoundException: No addon" },
        vpcCni: { ok: { configurationValues: '{"env":{"WARM_IP_TARGET":"2"}}' } },
        kmsKey: { ok: { keyState: "PendingDeletion", keyUsage: "ENCRYPT_DECRYPT", keySpec: "SYMMETRIC_DEFAULT" } },
    });
    assert.deepEqual(missing.map((p) => p.field), [
        "add-on aws-ebs-csi-driver", "add-on vpc-cni.configurationValues.enableNetworkPolicy", "volumeKmsKeyId",
    ]);
    assert.match(missing[0].fix, /aws eks create-addon --cluster-name qdb-prod-us-east-1 --addon-name aws-ebs-csi-driver/);
    assert.match(missing[1].reason, /silently not enforced/);
    assert.match(missing[2].reason, /PendingDeletion/);
    // No key configured: no key question is asked or judged.
    assert.deepEqual(preflightProblems({ ...region, volumeKmsKeyId: undefined }, { ...ready, kmsKey: undefined }), []);
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
        addons: { "aws-ebs-csi-driver": "" },
        kmsKeyState: "Disabled",
    });
    assert.ok(error instanceof PreflightError, String(error));
    assert.match(error.message, /^Stack "prod"'s cluster is missing what the program relies on \(2 problems\); nothing was changed:/);
    assert.match(error.message, /region \(cluster preflight\): add-on vpc-cni = "[^"]+": is not an EKS add-on of cluster qdb-prod-us-east-1/);
    assert.match(error.message, /volumeKmsKeyId = "arn:aws:kms:[^"]+": is Disabled/);
    // Only the stack's read of its own outputs came before the check.
    assert.deepEqual(registeredTypes.filter((t) => t !== "pulumi:pulumi:Stack"), ["pulumi:pulumi:StackReference"]);
});
