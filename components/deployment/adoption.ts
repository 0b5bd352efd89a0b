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

/** Options of a legacy Kubernetes object of the database: adopted when `adopt.kubernetes` says so. */
export function adoptedObjectOptions(ctx: DeploymentContext, name?: string): pulumi.CustomResourceOptions {
    return adoptedOptions(ctx, kubernetesImportId(ctx, name));
}
