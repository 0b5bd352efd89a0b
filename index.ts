// The questdb-cloud program: one region stack, one QuestDbDeployment per database in its config.
import { assertSafeTransitions, pendingReport, retainedVolumeIdsAfter, retiredIdsAfter } from "./inventory";
import { loadStackConfig } from "./stacks/config";
import { readCluster } from "./stacks/cluster";
import { assertClusterReady } from "./stacks/preflight";
import { readPreviousDeployment } from "./stacks/previous";
import { createRegionStack } from "./stacks/region";
import { registerFieldManager } from "./stacks/fieldManager";
import { resolveKarpenterInputs } from "./stacks/karpenter";
import { readKarpenterPreflightProblems } from "./stacks/karpenterPreflight";
import { readNodeGroupQuotaProblems } from "./stacks/nodeGroupQuota";

export = async () => {
    // Config errors stop the program here, before anything is registered.
    const { inventory, credentialsSeed } = loadStackConfig();
    registerFieldManager();
    // Unsafe transitions (shrink, AZ move, removing a live database, a reused id, a restart outside a
    // maintenance window) stop it before any cloud resource.
    const previous = await readPreviousDeployment();
    assertSafeTransitions(previous.databases, inventory, previous.retiredIds);
    // The cluster (one getCluster), its add-ons, the volume key and the roles' permissions, once per
    // stack, with the node group quota at the update's peak and what Karpenter needs: a missing one
    // stops the preview here.
    const cluster = await readCluster(inventory.region);
    await assertClusterReady(inventory.region, cluster, [readNodeGroupQuotaProblems(inventory, previous.databases), readKarpenterPreflightProblems(inventory, cluster)]);
    // Karpenter databases' AMIs (by node image); none asked otherwise.
    const karpenter = await resolveKarpenterInputs(inventory);
    // Removed databases' volumes stay in AWS (retainOnDelete): drills stay barred from them.
    const retainedVolumeIds = retainedVolumeIdsAfter(previous.volumeIds, previous.retainedVolumeIds, inventory);
    return {
        /** Per database: endpoint, volume id, node group name, state, and the facts the next change is checked against. */
        databases: createRegionStack(inventory, credentialsSeed, cluster, previous.databases, karpenter, retainedVolumeIds),
        /** Every id a removed database used: never reused (inventory/transitions.ts). */
        retiredIds: retiredIdsAfter(previous.databases, previous.retiredIds, inventory),
        /** Every removed database's retained volume, id to volume id (inventory/retainedVolumes.ts). */
        retainedVolumeIds,
        /** Per database with a `pending:` block: its window and what `qdb promote` will change (not deployed). */
        pending: pendingReport(inventory),
    };
};
