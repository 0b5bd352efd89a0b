import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { DeploymentContext } from "./context";

/**
 * The options that take over a legacy resource. Step `import`: imported exactly as it is, every
 * input ignored, so the engine neither updates nor replaces it in the same run (Pulumi CLI >= 3.174
 * would otherwise apply any difference right after the import). Step `converge`: the import id
 * stays (the engine ignores it once the resource is in the state) and the program's inputs apply.
 */
export function adoptedOptions(ctx: DeploymentContext, importId: string | undefined): pulumi.CustomResourceOptions {
    if (!importId) {
        return {};
    }
    return ctx.database.adopt?.step === "import" ? { import: importId, ignoreChanges: ["*"] } : { import: importId };
}

/**
 * The Kubernetes import id of a legacy object under this program's names: `<namespace>/<name>`,
 * or the namespace itself. pulumi-kubernetes >= 4.29 fails on an existing object with
 * AlreadyExists unless it is imported (or the provider upserts, which we do not want: unreviewed).
 */
export function kubernetesImportId(ctx: DeploymentContext, name?: string): string | undefined {
    if (!ctx.database.adopt?.kubernetes) {
        return undefined;
    }
    return name === undefined ? ctx.names.namespace : `${ctx.names.namespace}/${name}`;
}

/**
 * Server-side apply ownership for a legacy object. `kubectl create` (and most scripts) write as
 * field manager `kubectl-create`, which pulumi-kubernetes does not take over
 * (`fixCSAFieldManagers` renames only `kubectl`, `before-first-apply` and its own old managers),
 * so the converge step's apply would stop on a field conflict wherever the program sets a value
 * the legacy object has differently: exactly the fields converging is meant to change. The
 * reviewed converge preview is the consent to take them over.
 */
export const ADOPTED_OBJECT_ANNOTATIONS = { "pulumi.com/patchForce": "true" } as const;

/** The args of a legacy Kubernetes object, with ADOPTED_OBJECT_ANNOTATIONS when `adopt.kubernetes` is set. */
export function adoptedObjectArgs<T extends { metadata?: pulumi.Input<k8s.types.input.meta.v1.ObjectMeta> }>(ctx: DeploymentContext, args: T): T {
    if (!ctx.database.adopt?.kubernetes) {
        return args;
    }
    const metadata = (args.metadata ?? {}) as k8s.types.input.meta.v1.ObjectMeta;
    const annotations = (metadata.annotations ?? {}) as Record<string, string>;
    return { ...args, metadata: { ...metadata, annotations: { ...annotations, ...ADOPTED_OBJECT_ANNOTATIONS } } };
}

/**
 * Immutable fields that the API server fills in when the program leaves them unset. An import
 * records the whole live object as the resource's inputs, these values included; without ignoring
 * them, converging would "change" each to unset, a replacement the provider forces
 * (`provider/pkg/provider/diff.go`) and the engine refuses for an imported resource
 * ("previously-imported resources that still specify an ID may not be replaced"), as the real
 * tier showed on a legacy Service's `clusterIP`.
 */
export const SERVER_DEFAULTED_IMMUTABLE = {
    service: ["spec.clusterIP", "spec.clusterIPs"],
    statefulSet: ["spec.podManagementPolicy", "spec.revisionHistoryLimit"],
} as const;

/**
 * Options of a legacy Kubernetes object of the database: adopted when `adopt.kubernetes` says so.
 * `serverDefaulted`: its SERVER_DEFAULTED_IMMUTABLE fields, kept as imported from step converge on.
 */
export function adoptedObjectOptions(ctx: DeploymentContext, name?: string, serverDefaulted: readonly string[] = []): pulumi.CustomResourceOptions {
    const options = adoptedOptions(ctx, kubernetesImportId(ctx, name));
    if (options.import === undefined || options.ignoreChanges !== undefined || serverDefaulted.length === 0) {
        return options;
    }
    return { ...options, ignoreChanges: [...serverDefaulted] };
}
