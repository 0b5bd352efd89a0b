import * as pulumi from "@pulumi/pulumi";
import { CONFIG_NAMESPACE, Inventory, validateInventory } from "../inventory";

export interface StackConfig {
    readonly inventory: Inventory;
    /** The seed that credentials derive from, as a Pulumi secret. */
    readonly credentialsSeed: pulumi.Output<string>;
}

/**
 * Reads this stack's config through the one validator. Throws before any resource exists, so a
 * bad edit fails `pulumi preview` with every problem listed.
 */
export function loadStackConfig(): StackConfig {
    const config = new pulumi.Config(CONFIG_NAMESPACE);
    const seed = config.getSecret("credentialsSeed");
    const inventory = validateInventory({
        stack: pulumi.getStack(),
        awsRegion: new pulumi.Config("aws").get("region"),
        region: config.getObject("region"),
        databases: config.getObject("databases"),
        hasCredentialsSeed: seed !== undefined,
    });
    return { inventory, credentialsSeed: seed as pulumi.Output<string> };
}
