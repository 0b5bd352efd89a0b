// The questdb-cloud program: one region stack, one QuestDbDeployment per database in its config.
import { loadStackConfig } from "./stacks/config";
import { createRegionStack } from "./stacks/region";

const { inventory, credentialsSeed } = loadStackConfig();

/** Per database: endpoint, volume id, node group name and state. */
export const databases = createRegionStack(inventory, credentialsSeed);
