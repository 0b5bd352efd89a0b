// The questdb-cloud program: one region stack, one QuestDbDeployment per database in its config.
import { assertSafeTransitions } from "./inventory";
import { loadStackConfig } from "./stacks/config";
import { assertClusterReady } from "./stacks/preflight";
import { readPreviousDeployment } from "./stacks/previous";
import { createRegionStack } from "./stacks/region";

export = async () => {
    // Config errors stop the program here, before anything is registered.
    const { inventory, credentialsSeed } = loadStackConfig();
    // Unsafe transitions (shrink, AZ move, removing a live database) stop it before any cloud resource.
    const previous = await readPreviousDeployment();
    assertSafeTransitions(previous, inventory);
    // The cluster's add-ons and the volume key, once per stack: a missing one stops the preview here.
    await assertClusterReady(inventory.region);
    /** Per database: endpoint, volume id, node group name, state, and the facts the next change is checked against. */
    return { databases: createRegionStack(inventory, credentialsSeed, previous) };
};
