/** What a kubeconfig needs from `aws.eks.getCluster`. */
export interface ClusterAccess {
    readonly name: string;
    readonly endpoint: string;
    readonly certificateAuthorityData: string;
    readonly awsRegion: string;
}

/**
 * A kubeconfig that authenticates with short-lived tokens from `aws eks get-token`, so no
 * long-lived credential is ever written into state.
 */
export function kubeconfigFor(cluster: ClusterAccess): string {
    const user = {
        exec: {
            apiVersion: "client.authentication.k8s.io/v1beta1",
            command: "aws",
            args: ["eks", "get-token", "--cluster-name", cluster.name, "--region", cluster.awsRegion, "--output", "json"],
            interactiveMode: "Never",
        },
    };
    return JSON.stringify({
        apiVersion: "v1",
        kind: "Config",
        clusters: [{ name: cluster.name, cluster: { server: cluster.endpoint, "certificate-authority-data": cluster.certificateAuthorityData } }],
        users: [{ name: cluster.name, user }],
        contexts: [{ name: cluster.name, context: { cluster: cluster.name, user: cluster.name } }],
        "current-context": cluster.name,
    });
}
