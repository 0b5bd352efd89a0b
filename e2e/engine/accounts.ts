/**
 * Acting as one of the program's ServiceAccounts on the tier's API server, through the API
 * server's own authentication and authorization: a token from the TokenRequest API (signed with
 * the tier's service-account key, so RBAC and admission see exactly the user and groups a pod's
 * mounted token gives), and SubjectAccessReviews that say what RBAC alone would allow. Admission
 * judges only a request that RBAC let through, so a test that a policy refuses something must first
 * show that RBAC allows it.
 */
import { KubeClient } from "./kube";
import { Cluster } from "./cluster";

/** A short-lived token for `namespace/name`, as the kubelet would mount it (TokenRequest API). */
export async function serviceAccountToken(admin: KubeClient, namespace: string, name: string, seconds = 3600): Promise<string> {
    const answer = await admin.post(`/api/v1/namespaces/${namespace}/serviceaccounts/${name}/token`, {
        apiVersion: "authentication.k8s.io/v1", kind: "TokenRequest", spec: { expirationSeconds: seconds },
    });
    return answer.status.token as string;
}

/** A client that authenticates as the ServiceAccount with a fresh token. */
export async function clientAs(cluster: Cluster, namespace: string, name: string): Promise<{ client: KubeClient; token: string }> {
    const token = await serviceAccountToken(cluster.client, namespace, name);
    return { client: new KubeClient(cluster.server, cluster.caPem, token), token };
}

/** The groups the API server gives every ServiceAccount of `namespace`. */
export function serviceAccountGroups(namespace: string): string[] {
    return ["system:serviceaccounts", `system:serviceaccounts:${namespace}`, "system:authenticated"];
}

/** Whether RBAC alone lets `user` do `verb` on a core resource (a SubjectAccessReview; no admission involved). */
export async function rbacAllows(admin: KubeClient, user: string, groups: readonly string[], verb: string, resource: string, namespace?: string, name?: string): Promise<boolean> {
    const review = await admin.post("/apis/authorization.k8s.io/v1/subjectaccessreviews", {
        apiVersion: "authorization.k8s.io/v1", kind: "SubjectAccessReview",
        spec: { user, groups, resourceAttributes: { group: "", version: "v1", resource, verb, ...(namespace ? { namespace } : {}), ...(name ? { name } : {}) } },
    });
    return review.status?.allowed === true;
}

/** What the API server answered a write: its HTTP status and, for a refusal, its Status message. */
export interface WriteAnswer {
    readonly status: number;
    readonly message: string;
}

export async function write(client: KubeClient, method: "POST" | "DELETE" | "PUT", path: string, body?: unknown): Promise<WriteAnswer> {
    const res = await client.raw(method, path, body);
    let message = "";
    try {
        const parsed = JSON.parse(res.body) as { kind?: string; message?: string };
        message = parsed.kind === "Status" ? parsed.message ?? "" : "";
    } catch {
        message = res.body;
    }
    return { status: res.status, message };
}
