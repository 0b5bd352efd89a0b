import * as pulumi from "@pulumi/pulumi";
import { DeployedFacts, parseStackOutputs, volumeIdsOf } from "../inventory";

/** What the last deployment recorded: per database, its facts; and the ids of removed databases. */
export interface PreviousDeployment {
    readonly databases: Record<string, DeployedFacts>;
    readonly retiredIds: readonly string[];
    /** Per database of the last `databases` output, its volume id: what a removal now retains. */
    readonly volumeIds: Readonly<Record<string, string>>;
    /** Removed databases' retained volumes, database id to volume id (inventory/retainedVolumes.ts). */
    readonly retainedVolumeIds: Readonly<Record<string, string>>;
}

/**
 * Reads this stack's own last `databases`, `retiredIds` and `retainedVolumeIds` outputs: the facts a change must not
 * contradict (AZ, volume size, version, state) and the ids that may never come back. A stack
 * reference only reads state; it creates nothing in the cloud. On the first deployment there are
 * no outputs yet, and nothing to contradict.
 */
export async function readPreviousDeployment(): Promise<PreviousDeployment> {
    const self = new pulumi.StackReference("previous-deployment", {
        name: `${pulumi.getOrganization()}/${pulumi.getProject()}/${pulumi.getStack()}`,
    });
    const [databases, retired, retained] = await Promise.all(["databases", "retiredIds", "retainedVolumeIds"].map((name) => self.getOutputDetails(name)));
    const databasesOutput = databases.value ?? databases.secretValue;
    const outputs = parseStackOutputs({
        databases: databasesOutput,
        retiredIds: retired.value ?? retired.secretValue,
        retainedVolumeIds: retained.value ?? retained.secretValue,
    }, pulumi.getStack());
    return { ...outputs, volumeIds: volumeIdsOf(databasesOutput) };
}
