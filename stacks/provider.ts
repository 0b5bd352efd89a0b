import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import type { ClusterFacts } from "../components/cluster";
import { RegionSpec } from "../inventory";
import { kubeconfigFor } from "./kubeconfig";

/**
 * The identity of the region's cluster, from its name and AWS region: what pulumi-kubernetes
 * replaces the provider on, and nothing else. Without it the provider guesses from the kubeconfig,
 * and a replaced provider replaces every Kubernetes object of every database in the region
 * (docs/decisions.md, "A stable clusterIdentifier").
 */
export function clusterIdentifierFor(region: Pick<RegionSpec, "awsRegion" | "clusterName">): string {
    return `eks:${region.awsRegion}:${region.clusterName}`;
}

/** The provider's inputs for a kubeconfig: a change to anything but the identifier is an update. */
export function clusterProviderArgs(region: Pick<RegionSpec, "awsRegion" | "clusterName">, kubeconfig: pulumi.Input<string>): k8s.ProviderArgs {
    return {
        kubeconfig,
        clusterIdentifier: clusterIdentifierFor(region),
        // Without these a server.conf edit or a credentials rotation replaces the ConfigMap or
        // Secret, delete-first (it has a fixed name): a window with no config. With them, both
        // update in place, and the pod template's annotations roll the pod.
        enableConfigMapMutable: true,
        enableSecretMutable: true,
    };
}

/** One provider for the region's cluster, fed by the stack's single `getCluster` call (stacks/cluster.ts). */
export function clusterProvider(region: RegionSpec, cluster: Pick<ClusterFacts, "endpoint" | "certificateAuthorityData">): k8s.Provider {
    const kubeconfig = kubeconfigFor({ name: region.clusterName, endpoint: cluster.endpoint, certificateAuthorityData: cluster.certificateAuthorityData, awsRegion: region.awsRegion });
    return new k8s.Provider(`${region.clusterName}-cluster`, clusterProviderArgs(region, kubeconfig));
}
