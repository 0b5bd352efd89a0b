// The questdb-cloud program: one region stack, one QuestDbDeployment per database in its config.
import { assertSafeTransitions } from "./inventory";
import { loadStackConfig } from "./stacks/config";
import { readPreviousDeployment } from "./stacks/previous";
import { createRegionStack } from "./stacks/region";

export = async () => {
    // Config errors stop the program here, before anything is registered.
    const { inventory, credentialsSeed } = loadStackConfig();
    // Unsafe transitions (shrink, AZ move, removing a live database) stop it before any cloud resource.
    const previous = await readPreviousDeployment();
    assertSafeTransitions(previous, inventory);
    /** Per database: endpoint, volume id, node group name, state, and the facts the next change is checked against. */
    return { databases: createRegionStack(inventory, credentialsSeed, previous) };
};
