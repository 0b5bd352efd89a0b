import * as pulumi from "@pulumi/pulumi";
import { DeployedFacts, parseDeployedFacts } from "../inventory";

/**
 * Reads this stack's own last `databases` output: the facts a change must not contradict (AZ,
 * volume size, version, state). A stack reference only reads state; it creates nothing in the
 * cloud. On the first deployment there are no outputs yet, and nothing to contradict.
 */
export async function readPreviousDeployment(): Promise<Record<string, DeployedFacts>> {
    const self = new pulumi.StackReference("previous-deployment", {
        name: `${pulumi.getOrganization()}/${pulumi.getProject()}/${pulumi.getStack()}`,
    });
    const details = await self.getOutputDetails("databases");
    return parseDeployedFacts(details.value ?? details.secretValue, pulumi.getStack());
}
