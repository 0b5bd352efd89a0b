/**
 * What the drill runner may do with PersistentVolumes, enforced by the API server: RBAC cannot
 * scope a cluster-scoped create by name or content, so a ValidatingAdmissionPolicy bound to the
 * runner's ServiceAccount lets it create only a PV named and labelled as a drill run's, claimed
 * in the drills namespace, naming no tenant volume, and delete only such PVs. The tenant volume
 * ids come from the program, in a parameter ConfigMap (data key = volume id).
 */
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { DRILL_NAMESPACE } from "../inventory";
import { EBS_CSI_DRIVER } from "./deployment/dataVolume";

/** Name of the policy, its binding and the parameter ConfigMap. */
export const DRILL_PV_POLICY = "questdb-drill-pvs";
/** Label on every Kubernetes object a drill creates, value the run id (scripts/backup/drill.sh). */
export const DRILL_LABEL = "questdb.cloud/drill-run";

/** The username the API server gives a ServiceAccount. */
export function serviceAccountUser(namespace: string, name: string): string {
    return `system:serviceaccount:${namespace}:${name}`;
}

/** An EBS volume id exactly as EC2 writes it (the older 8-digit form, or the current 17). */
export const EC2_VOLUME_ID = "^vol-([0-9a-f]{8}|[0-9a-f]{17})$";

const creating = (rule: string) => `request.operation != 'CREATE' || (${rule})`;
const RUN = `object.metadata.labels['${DRILL_LABEL}']`;

/**
 * Where a stack's drill admission lives. On a shared cluster every cell has its own policy,
 * binding and tenant-volume list, and every cell's policy judges every cell's runner: the API
 * server evaluates all policies that match, so a runner's PV must pass each cell's volume list
 * (docs/decisions.md, "Cells"). @default SOLO_DRILL_SCOPE
 */
export interface DrillAdmissionScope {
    /** Name of the policy and its binding (cluster-scoped). */
    readonly policyName: string;
    /** The stack's drills namespace: its runner, its claims and its tenant-volume list. */
    readonly namespace: string;
    /** The cluster has other cells: match every drill runner, each claiming in its own namespace. */
    readonly shared: boolean;
}

export const SOLO_DRILL_SCOPE: DrillAdmissionScope = { policyName: DRILL_PV_POLICY, namespace: DRILL_NAMESPACE, shared: false };

/** The username prefix of every cell's drill runner: `system:serviceaccount:questdb-drills[-<stack>]:questdb-drill`. */
function anyRunner(runner: string): string {
    const user = "request.userInfo.username";
    return `${user}.startsWith('system:serviceaccount:${DRILL_NAMESPACE}') && ${user}.endsWith(':${runner}')`;
}

function claimRule(scope: Pick<DrillAdmissionScope, "shared" | "namespace">, runner: string): { expression: string; message: string } {
    if (!scope.shared) {
        return { expression: creating(`has(object.spec.claimRef) && object.spec.claimRef.namespace == '${scope.namespace}' && object.spec.claimRef.name == object.metadata.name`),
            message: `a drill PV is claimed in ${scope.namespace} by the claim of its own name` };
    }
    return { expression: creating(`has(object.spec.claimRef) && request.userInfo.username == 'system:serviceaccount:' + object.spec.claimRef.namespace + ':${runner}' && object.spec.claimRef.name == object.metadata.name`),
        message: "a drill PV is claimed in its runner's own drills namespace by the claim of its own name" };
}

/**
 * On a shared cluster every cell's policy judges every cell's runner, and a drill PV of any cell
 * carries the run label: without the claim's namespace, one cell's runner could delete another
 * cell's drill PV while that drill runs (proven on the real API server,
 * e2e/engine/drillAdmissionCells.e2e.test.ts). The claim is the runner's own, as the create rule made it.
 */
function deleteRule(scope: Pick<DrillAdmissionScope, "shared">, runner: string): { expression: string; message: string } {
    const solo = DRILL_PV_RULES[DRILL_PV_RULES.length - 1];
    if (!scope.shared) {
        return solo;
    }
    const own = `has(oldObject.spec.claimRef) && request.userInfo.username == 'system:serviceaccount:' + oldObject.spec.claimRef.namespace + ':${runner}'`;
    return { expression: `request.operation != 'DELETE' || (${DRILL_RUN_PV} && ${own})`,
        message: "a drill may delete only a drill run's PVs claimed in its own drills namespace" };
}

/** The CEL rules, each with the message the runner gets when it breaks one. */
export function drillPvRules(scope: Pick<DrillAdmissionScope, "shared" | "namespace"> = SOLO_DRILL_SCOPE, runner = "questdb-drill"): { expression: string; message: string }[] {
    const [label, name, , volume, canonical] = DRILL_PV_RULES;
    return [label, name, claimRule(scope, runner), volume, canonical, deleteRule(scope, runner)];
}

/** The PV being deleted is a drill run's: labelled as one and named drill-... */
const DRILL_RUN_PV = `has(oldObject.metadata.labels) && '${DRILL_LABEL}' in oldObject.metadata.labels && oldObject.metadata.name.startsWith('drill-')`;

/** The CEL rules of a stack alone on its cluster. */
export const DRILL_PV_RULES: readonly { expression: string; message: string }[] = [
    { expression: creating(`has(object.metadata.labels) && '${DRILL_LABEL}' in object.metadata.labels && ${RUN} != ''`),
        message: `a drill may create only PVs labelled ${DRILL_LABEL}=<run id>` },
    { expression: creating(`object.metadata.name.startsWith('drill-') && object.metadata.name.endsWith('-' + ${RUN})`),
        message: "a drill PV's name is drill-<database>-<run id>, its own run's" },
    { expression: creating(`has(object.spec.claimRef) && object.spec.claimRef.namespace == '${DRILL_NAMESPACE}' && object.spec.claimRef.name == object.metadata.name`),
        message: `a drill PV is claimed in ${DRILL_NAMESPACE} by the claim of its own name` },
    { expression: creating(`has(object.spec.csi) && object.spec.csi.driver == '${EBS_CSI_DRIVER}' && !(has(params.data) && object.spec.csi.volumeHandle in params.data)`),
        message: "a drill PV may not name a tenant database's volume" },
    // The tenant list holds ids as EC2 writes them: another spelling of a tenant's id (upper case,
    // padding) would pass the list, so only EC2's own form is accepted at all.
    { expression: creating(`has(object.spec.csi) && object.spec.csi.volumeHandle.matches('${EC2_VOLUME_ID}')`),
        message: "a drill PV names its volume as EC2 writes the id: vol- and 8 or 17 lowercase hex digits" },
    { expression: `request.operation != 'DELETE' || (${DRILL_RUN_PV})`,
        message: "a drill may delete only a drill run's PVs" },
];

export function drillPvPolicyArgs(runner: string, scope: DrillAdmissionScope = SOLO_DRILL_SCOPE): k8s.admissionregistration.v1.ValidatingAdmissionPolicyArgs {
    const who = scope.shared ? anyRunner(runner) : `request.userInfo.username == '${serviceAccountUser(scope.namespace, runner)}'`;
    return {
        metadata: { name: scope.policyName },
        spec: {
            failurePolicy: "Fail",
            paramKind: { apiVersion: "v1", kind: "ConfigMap" },
            matchConstraints: { resourceRules: [{ apiGroups: [""], apiVersions: ["v1"], resources: ["persistentvolumes"], operations: ["CREATE", "UPDATE", "DELETE"] }] },
            matchConditions: [{ name: scope.shared ? "drill-runners-only" : "drill-runner-only", expression: who }],
            validations: [
                { expression: "request.operation != 'UPDATE'", message: "a drill never changes a PV" },
                ...(scope.shared ? drillPvRules(scope, runner) : DRILL_PV_RULES),
            ],
        },
    };
}

export function drillPvBindingArgs(scope: DrillAdmissionScope = SOLO_DRILL_SCOPE): k8s.admissionregistration.v1.ValidatingAdmissionPolicyBindingArgs {
    return {
        metadata: { name: scope.policyName },
        spec: {
            policyName: scope.policyName,
            validationActions: ["Deny"],
            paramRef: { name: DRILL_PV_POLICY, namespace: scope.namespace, parameterNotFoundAction: "Deny" },
        },
    };
}

/** The parameter ConfigMap: every tenant volume of the stack, volume id to database id. */
export function tenantVolumesArgs(volumeIds: Readonly<Record<string, pulumi.Input<string>>>, labels: Record<string, string>, namespace = DRILL_NAMESPACE): k8s.core.v1.ConfigMapArgs {
    const entries = Object.entries(volumeIds).sort(([a], [b]) => a.localeCompare(b));
    return {
        metadata: { name: DRILL_PV_POLICY, namespace, labels },
        data: pulumi.all(entries.map(([id, volume]) => pulumi.output(volume).apply((v) => [v, id] as const)))
            .apply((pairs) => Object.fromEntries(pairs)),
    };
}

/** Creates the policy, its binding and its parameters; the binding waits for both. */
export function createDrillAdmission(name: string, runner: string, volumeIds: Readonly<Record<string, pulumi.Input<string>>>,
    labels: Record<string, string>, opts: { parent: pulumi.Resource; dependsOn: pulumi.Resource[] }, scope: DrillAdmissionScope = SOLO_DRILL_SCOPE): void {
    const params = new k8s.core.v1.ConfigMap(`${name}-tenant-volumes`, tenantVolumesArgs(volumeIds, labels, scope.namespace), opts);
    const policy = new k8s.admissionregistration.v1.ValidatingAdmissionPolicy(`${name}-pv-policy`, drillPvPolicyArgs(runner, scope), { parent: opts.parent });
    new k8s.admissionregistration.v1.ValidatingAdmissionPolicyBinding(`${name}-pv-policy-binding`, drillPvBindingArgs(scope), { parent: opts.parent, dependsOn: [policy, params] });
}
