import assert from "node:assert/strict";
import { test } from "node:test";
import { PreflightError } from "../../stacks/preflight";
import { editedProd } from "../support/lifecycle";
import { runProgramCatchingError } from "../support/recordingRun";

test("a Karpenter node image with no public AMI parameter stops the program before any resource, naming the image and the lookup", async () => {
    const body = editedProd((_, region) => (region.nodeProvisioner = "karpenter"));
    const { error, registeredTypes } = await runProgramCatchingError(body, { amiParameters: {} });
    assert.ok(error instanceof PreflightError, String(error));
    assert.match(error.message, /nodeImage = "1\.31\.3-20250103": has no AL2023 EKS AMI on x86_64 \(SSM parameter \/aws\/service\/eks\/optimized-ami\/1\.31\/amazon-linux-2023\/x86_64\/standard\/amazon-eks-node-al2023-x86_64-standard-1\.31-v20250103\/image_id/);
    assert.match(error.message, /list them with aws ssm get-parameters-by-path --path \/aws\/service\/eks\/optimized-ami\/1\.31\/amazon-linux-2023\/x86_64\/standard --recursive --query "Parameters\[\?ends_with\(Name, '\/image_id'\) && !contains\(Name, '\/recommended\/'\)\]\.Name" --output text --region us-east-1/);
    assert.deepEqual(registeredTypes.filter((t) => t !== "pulumi:pulumi:Stack"), ["pulumi:pulumi:StackReference"]);
});
