import * as pulumi from "@pulumi/pulumi";

/**
 * The server-side apply field manager of every Kubernetes object the program applies, fixed
 * instead of pulumi-kubernetes' default: a random `pulumi-kubernetes-<hash>` per object, kept only
 * in the state once a create has finished. A create interrupted after the API server applied it
 * (a killed CI job) loses that name with the pending create; the next `up` applies the same object
 * under a new random name, both managers then own every field, and the first later change of one
 * (a version upgrade's image) fails with a field conflict. One fixed name makes the re-apply the
 * same manager's (proven in e2e/engine/interrupted.e2e.test.ts; docs/decisions.md, "A fixed field
 * manager"). The provider relinquishes an object's old random manager on its next update.
 */
export const FIELD_MANAGER = "questdb-cloud";
export const FIELD_MANAGER_ANNOTATION = "pulumi.com/patchFieldManager";

type Metadata = { annotations?: Record<string, string> } & Record<string, unknown>;

/** The object's metadata with the field manager annotation added. */
export function withFieldManager(metadata: pulumi.Input<Metadata> | undefined): pulumi.Output<Metadata> {
    return pulumi.output(metadata ?? {}).apply((m): Metadata => ({ ...m as Metadata, annotations: { ...(m as Metadata).annotations ?? {}, [FIELD_MANAGER_ANNOTATION]: FIELD_MANAGER } }));
}

/** Every `kubernetes:` resource registered after this call gets the fixed field manager. */
export function registerFieldManager(): void {
    pulumi.runtime.registerStackTransformation((args) => {
        if (!args.type.startsWith("kubernetes:") || args.type.includes("Patch")) {
            return undefined;
        }
        return { props: { ...args.props, metadata: withFieldManager(args.props.metadata as pulumi.Input<Metadata> | undefined) }, opts: args.opts };
    });
}
