import * as pulumi from "@pulumi/pulumi";
import { DeployedFacts, parseStackOutputs } from "../inventory";

/** What the last deployment recorded: per database, its facts; and the ids of removed databases. */
export interface PreviousDeployment {
    readonly databases: Record<string, DeployedFacts>;
    readonly retiredIds: readonly string[];
}

/**
 * Reads this stack's own last `databases` and `retiredIds` outputs: the facts a change must not
 * contradict (AZ, volume size, version, state) and the ids that may never come back. A stack
 * reference only reads state; it creates nothing in the cloud. On the first deployment there are
 * no outputs yet, and nothing to contradict.
 */
export async function readPreviousDeployment(): Promise<PreviousDeployment> {
    const self = new pulumi.StackReference("previous-deployment", {
        name: `${pulumi.getOrganization()}/${pulumi.getProject()}/${pulumi.getStack()}`,
    });
    const [databases, retired] = await Promise.all([self.getOutputDetails("databases"), self.getOutputDetails("retiredIds")]);
    return parseStackOutputs({
        databases: databases.value ?? databases.secretValue,
        retiredIds: retired.value ?? retired.secretValue,
    }, pulumi.getStack());
}
