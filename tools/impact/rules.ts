/**
 * Which changed input paths force a replacement, and what each resource change means. Driven by
 * resource type and input path only, never by inventory field names, so new inventory fields
 * (state, backups, channels) are classified by the resources they end up changing.
 */
import { parse } from "yaml";
import { ResourceChange } from "../../render/diff";
import { ImpactKind, ResourceAction } from "./types";

export const VOLUME = "aws:ebs/volume:Volume";
export const NODE_GROUP = "aws:eks/nodeGroup:NodeGroup";
export const LAUNCH_TEMPLATE = "aws:ec2/launchTemplate:LaunchTemplate";
export const PV = "kubernetes:core/v1:PersistentVolume";
export const PVC = "kubernetes:core/v1:PersistentVolumeClaim";
export const STATEFUL_SET = "kubernetes:apps/v1:StatefulSet";
export const K8S_PROVIDER = "pulumi:providers:kubernetes";
export const CONFIG_MAP = "kubernetes:core/v1:ConfigMap";
export const SECRET = "kubernetes:core/v1:Secret";
export const NODE_POOL = "kubernetes:karpenter.sh/v1:NodePool";
export const NODE_CLASS = "kubernetes:karpenter.k8s.aws/v1:EC2NodeClass";
/**
 * NodePool and EC2NodeClass paths whose change makes Karpenter drift the node: it launches a
 * matching node and moves the pod (in the database's Drifted budget). Disruption settings and
 * limits, labels of the object itself, do not touch a running node.
 */
const KARPENTER_DRIFT = ["spec.template", "spec.amiSelectorTerms", "spec.amiFamily", "spec.subnetSelectorTerms",
    "spec.securityGroupSelectorTerms", "spec.metadataOptions", "spec.blockDeviceMappings", "spec.userData", "spec.role", "spec.tags"];

/** The region provider's switches that change what replaces a ConfigMap or a Secret. */
export interface ProviderFlags {
    readonly configMapMutable: boolean;
    readonly secretMutable: boolean;
}

/** pulumi-kubernetes' defaults: ConfigMap and Secret data are replace-on-change. */
export const PROVIDER_DEFAULTS: ProviderFlags = { configMapMutable: false, secretMutable: false };

/** The flags of a render's Kubernetes provider (one per region stack); provider inputs travel as strings. */
export function providerFlagsOf(resources: readonly { type: string; inputs: Record<string, unknown> }[]): ProviderFlags {
    const provider = resources.find((r) => r.type === K8S_PROVIDER);
    const on = (value: unknown) => value === true || value === "true";
    return {
        configMapMutable: on(provider?.inputs.enableConfigMapMutable),
        secretMutable: on(provider?.inputs.enableSecretMutable),
    };
}

/**
 * ConfigMap and Secret paths that replace unless the provider makes them mutable, and the object
 * is not `immutable: true` (pulumi-kubernetes provider/pkg/provider/diff.go, forceNewProperties).
 */
function dataReplacingPaths(change: ResourceChange, flags: ProviderFlags): string[] {
    const immutable = change.before?.inputs.immutable === true || change.after?.inputs.immutable === true;
    if (change.type === CONFIG_MAP && (immutable || !flags.configMapMutable)) {
        return ["data", "binaryData"];
    }
    if (change.type === SECRET && (immutable || !flags.secretMutable)) {
        return ["data", "stringData"];
    }
    return [];
}

/**
 * Input paths whose change replaces the resource (prefix match: "spec.csi" covers
 * "spec.csi.volumeHandle"). Sources: the AWS provider's ForceNew schema fields (equal to
 * shared/reference/aws-replace-on-change.json, test/tools/awsReplacements.test.ts), and the
 * Kubernetes API's immutable fields (which the Kubernetes provider turns into replacements).
 */
export const FORCE_REPLACE: Readonly<Record<string, readonly string[]>> = {
    [VOLUME]: ["availabilityZone", "snapshotId", "encrypted", "kmsKeyId", "multiAttachEnabled", "outpostArn"],
    [NODE_GROUP]: [
        "instanceTypes", "amiType", "capacityType", "subnetIds", "nodeGroupName", "nodeGroupNamePrefix",
        "nodeRoleArn", "clusterName", "diskSize", "remoteAccess", "remoteAccess.ec2SshKey", "remoteAccess.sourceSecurityGroupIds",
        "launchTemplate.id", "launchTemplate.name",
    ],
    [LAUNCH_TEMPLATE]: ["name", "namePrefix"],
    [PV]: ["spec.csi", "spec.storageClassName", "spec.claimRef", "spec.nodeAffinity", "spec.volumeMode"],
    [PVC]: ["spec.storageClassName", "spec.volumeName", "spec.accessModes", "spec.selector", "spec.volumeMode"],
    [STATEFUL_SET]: ["spec.selector", "spec.serviceName", "spec.volumeClaimTemplates", "spec.podManagementPolicy", "spec.revisionHistoryLimit"],
    // Always, whatever the provider's flags (diff.go: a Secret's type).
    [SECRET]: ["type"],
    // A changed type or setIdentifier is an update: one change batch deletes and creates the record set.
    "aws:route53/record:Record": ["name", "zoneId"],
    "kubernetes:storage.k8s.io/v1:StorageClass": ["provisioner", "parameters", "reclaimPolicy", "volumeBindingMode"],
    // The backup and drill identities (components/deployment/backup.ts, components/restoreDrills.ts).
    "aws:iam/role:Role": ["name", "namePrefix", "path"],
    "aws:iam/rolePolicy:RolePolicy": ["name", "namePrefix", "role"],
    "aws:eks/podIdentityAssociation:PodIdentityAssociation": ["clusterName", "namespace", "serviceAccount"],
    // The final snapshot at decommission.
    "aws:ebs/snapshot:Snapshot": ["volumeId", "description", "outpostArn"],
};

/** Every Kubernetes object is replaced when its identity changes. */
const K8S_IDENTITY = ["metadata.name", "metadata.namespace", "apiVersion", "kind"];

/** Node group paths that EKS applies by rolling the nodes (new nodes, drain, terminate). */
const NODE_ROLL = ["releaseVersion", "version", "launchTemplate.version"];
/** Launch template paths that only label the template; anything else makes a version that rolls nodes. */
const TEMPLATE_LABELS = ["tags", "tagsAll", "description", "updateDefaultVersion"];
/** Volume paths that EBS modifies in place. */
const VOLUME_MODIFY = ["size", "iops", "throughput", "type"];

export function matches(path: string, prefixes: readonly string[]): boolean {
    return prefixes.some((p) => path === p || path.startsWith(`${p}.`));
}

/** The server and CA of a kubeconfig's current context: what the provider compares without an identifier. */
function activeCluster(kubeconfig: unknown): unknown {
    try {
        const config = parse(String(kubeconfig)) as { clusters?: { name: string; cluster: unknown }[]; contexts?: { name: string; context: { cluster: string } }[]; "current-context"?: string };
        const context = config.contexts?.find((c) => c.name === config["current-context"]);
        return JSON.stringify(config.clusters?.find((c) => c.name === context?.context.cluster)?.cluster);
    } catch {
        return kubeconfig;
    }
}

/**
 * pulumi-kubernetes' DiffConfig (provider/pkg/provider/provider.go): with the same
 * `clusterIdentifier` on both sides nothing replaces the provider; a changed identifier does;
 * when it is added, removed or absent, a change of the kubeconfig's active cluster does.
 */
function providerReplacingPaths(change: ResourceChange): string[] {
    const before = change.before?.inputs ?? {};
    const after = change.after?.inputs ?? {};
    const [was, now] = [before.clusterIdentifier, after.clusterIdentifier];
    if (was !== undefined && now !== undefined) {
        return was === now ? [] : ["clusterIdentifier"];
    }
    const moved = activeCluster(before.kubeconfig) !== activeCluster(after.kubeconfig);
    return change.inputPaths.filter((p) => p === "renderYamlToDirectory" || (moved && ["kubeconfig", "context", "cluster"].includes(p)));
}

/** The paths of a change that force replacement, from the table and the resource's replaceOnChanges. */
export function replacingPaths(change: ResourceChange, flags: ProviderFlags = PROVIDER_DEFAULTS): string[] {
    if (change.type === K8S_PROVIDER) {
        return providerReplacingPaths(change);
    }
    const table = [
        ...(FORCE_REPLACE[change.type] ?? []), ...dataReplacingPaths(change, flags),
        ...(change.type.startsWith("kubernetes:") ? K8S_IDENTITY : []),
    ];
    const declared = (change.after?.options.replaceOnChanges ?? []).map((p) => p.replace(/\[\*\]|\*$/g, "").replace(/\.$/, ""));
    const all = declared.includes("") ? [""] : [...table, ...declared];
    return change.inputPaths.filter((p) => all.includes("") || matches(p, all));
}

export const ignoresAll = (options: { ignoreChanges?: readonly string[] } | undefined) => options?.ignoreChanges?.includes("*") === true;

/** A resource imported exactly as it is: adoption step 1 (import with every input ignored). */
export function isAsIs(change: ResourceChange): boolean {
    return change.after?.options.import !== undefined && ignoresAll(change.after.options);
}

/** Adoption step 2: an imported resource whose inputs were all ignored now takes them. */
export function isConverge(change: ResourceChange): boolean {
    return change.kind === "update" && ignoresAll(change.before?.options) && !ignoresAll(change.after?.options);
}

/** What converging may do to a resource of this type, in the worst case the live values allow. */
const CONVERGE_KINDS: Readonly<Record<string, ImpactKind>> = {
    [STATEFUL_SET]: "rolling-restart",
    [NODE_GROUP]: "rolling-node-update",
    [LAUNCH_TEMPLATE]: "rolling-node-update",
    [NODE_POOL]: "rolling-node-update",
};

export function actionOf(change: ResourceChange, flags: ProviderFlags = PROVIDER_DEFAULTS): ResourceAction {
    if (change.kind === "create" && change.after?.options.import !== undefined) {
        return "import";
    }
    if (change.kind !== "update") {
        return change.kind;
    }
    return replacingPaths(change, flags).length > 0 ? "replace" : "update";
}

function valueAt(inputs: Record<string, unknown> | undefined, path: string): unknown {
    return path.split(".").reduce<unknown>((v, k) => (v as Record<string, unknown> | undefined)?.[k], inputs);
}

type Classifier = (paths: readonly string[], action: ResourceAction, change: ResourceChange) => ImpactKind;

const hasAny = (paths: readonly string[], prefixes: readonly string[]) => paths.some((p) => matches(p, prefixes));

/** Per-type meaning of an update, replace or delete (create is always "created"). */
const CLASSIFIERS: Readonly<Record<string, Classifier>> = {
    [VOLUME]: (paths, action) =>
        action !== "update" ? "data-at-risk" : hasAny(paths, VOLUME_MODIFY) ? "volume-change" : "in-place-update",
    [PV]: dataBinding("spec.capacity"),
    [PVC]: dataBinding("spec.resources"),
    [STATEFUL_SET]: (paths, action, change) => {
        if (action === "delete" || valueAt(change.after?.inputs, "spec.replicas") === 0) {
            return "down";
        }
        return action === "replace" || hasAny(paths, ["spec.template"]) ? "rolling-restart" : "in-place-update";
    },
    [NODE_GROUP]: (paths, action) =>
        action === "delete" ? "down" // the database's only node goes
            : action === "replace" ? "node-replacement" : action === "update" && hasAny(paths, NODE_ROLL) ? "rolling-node-update" : "in-place-update",
    [NODE_POOL]: (paths, action) =>
        action === "delete" ? "down" // Karpenter terminates the NodePool's node
            : hasAny(paths, KARPENTER_DRIFT) ? "rolling-node-update" : "in-place-update",
    // A class leaves the program only once no NodePool names it: its last node drifts away on its own.
    [NODE_CLASS]: (paths, action) =>
        action === "delete" ? "in-place-update" : hasAny(paths, KARPENTER_DRIFT) ? "rolling-node-update" : "in-place-update",
    [LAUNCH_TEMPLATE]: (paths, action) =>
        action === "delete" ? "down" // only ever with its node group
            : action === "replace" || (action === "update" && paths.some((p) => !matches(p, TEMPLATE_LABELS)))
            ? "rolling-node-update" : "in-place-update",
};

/**
 * A PV or PVC: replacing it rebinds the data (at risk); deleting it alone leaves the EBS volume
 * (reclaim policy Retain) but the pod cannot start (down); growing its capacity is a volume change.
 */
function dataBinding(capacityPath: string): Classifier {
    return (paths, action) =>
        action === "replace" ? "data-at-risk" : action === "delete" ? "down"
            : hasAny(paths, [capacityPath]) ? "volume-change" : "in-place-update";
}

/** The kind of one resource change; see ImpactKind for the meaning of each. */
export function kindOf(change: ResourceChange, action: ResourceAction): ImpactKind {
    if (action === "create") {
        return "created";
    }
    if (action === "import") {
        // Without every input ignored, the engine updates (or replaces) it right after the import.
        return isAsIs(change) ? "adopted" : CONVERGE_KINDS[change.type] ?? "converge";
    }
    if (isConverge(change) && action === "update") {
        return CONVERGE_KINDS[change.type] ?? "converge";
    }
    // An unprotected, retained resource leaving the program is the documented removal of a
    // decommissioned database: Pulumi forgets it, AWS keeps it.
    if (action === "delete" && change.before?.options.retainOnDelete === true && change.before.options.protect !== true) {
        return "released";
    }
    // A component holds nothing in the cloud: deleting one only drops it from the state.
    if (action === "delete" && change.before?.custom === false) {
        return "released";
    }
    const classify = CLASSIFIERS[change.type];
    if (classify) {
        return classify(change.inputPaths, action, change);
    }
    // Deleting a database's node, DNS record, Service or Ingress takes it off the air.
    return action === "delete" && change.before?.custom === true ? "down" : "in-place-update";
}
