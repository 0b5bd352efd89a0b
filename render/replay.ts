/**
 * The "same resources" floor of `npm run bench`: re-registers a render's resources (same types,
 * names, parents, options and inputs, as plain values) through the providers' own classes, with
 * none of our program around them: no inventory, no components' logic, no Outputs between
 * resources. What a real render costs above this replay is the cost of our code.
 */
import * as aws from "@pulumi/aws";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { RecordedOptions, RenderedResource } from "./types";

type ResourceClass = new (name: string, args: Record<string, unknown>, opts: pulumi.CustomResourceOptions) => pulumi.Resource;
type Namespace = Readonly<Record<string, unknown>>;

/** A component of the program, without the program: a URN and nothing else. */
class ReplayedComponent extends pulumi.ComponentResource {}

/** A custom resource of a type no provider SDK class registers here (the stack's self-reference). */
class ReplayedCustomResource extends pulumi.CustomResource {}

const KUBERNETES_PROVIDER_TYPE = "pulumi:providers:kubernetes";

/** "networking.k8s.io" -> "networking", "core" -> "core": the SDK's module name for an API group. */
export function kubernetesModuleOf(group: string): string {
    return group.replace(/\.k8s\.io$/, "");
}

function member(ns: unknown, key: string): unknown {
    return ns !== null && typeof ns === "object" ? (ns as Namespace)[key] : undefined;
}

/**
 * The provider SDK class that registers `type`, e.g. "aws:ebs/volume:Volume" -> aws.ebs.Volume,
 * "kubernetes:apps/v1:StatefulSet" -> k8s.apps.v1.StatefulSet. Kubernetes kinds the SDK has no class
 * for (CRDs) use k8s.apiextensions.CustomResource, as the program does. Undefined for anything else.
 */
export function providerClassFor(type: string): ResourceClass | undefined {
    if (type === KUBERNETES_PROVIDER_TYPE) {
        return k8s.Provider as unknown as ResourceClass;
    }
    const [pkg, module, kind] = type.split(":");
    if (pkg === "aws") {
        return member(member(aws, module.split("/")[0]), kind) as ResourceClass | undefined;
    }
    if (pkg === "kubernetes") {
        const [group, version] = module.split("/");
        const known = member(member(member(k8s, kubernetesModuleOf(group)), version), kind);
        return (known ?? k8s.apiextensions.CustomResource) as ResourceClass;
    }
    return undefined;
}

/** The options the program set, with `dependsOn` names resolved to the resources already replayed. */
function replayedOptions(options: RecordedOptions, byName: ReadonlyMap<string, pulumi.Resource>): pulumi.CustomResourceOptions {
    const { dependsOn, ...rest } = options;
    if (dependsOn === undefined) {
        return rest;
    }
    return { ...rest, dependsOn: dependsOn.map((name) => byName.get(name)).filter((r): r is pulumi.Resource => r !== undefined) };
}

/**
 * A provider's inputs travel JSON-encoded, so the render records a boolean flag as "true"; the
 * replay passes the value itself, or the SDK would encode it a second time.
 */
function replayedProviderInputs(inputs: Record<string, unknown>): Record<string, unknown> {
    const decoded = (value: unknown) => {
        if (typeof value !== "string") {
            return value;
        }
        try {
            const parsed: unknown = JSON.parse(value);
            return typeof parsed === "boolean" || typeof parsed === "number" ? parsed : value;
        } catch {
            return value;
        }
    };
    return Object.fromEntries(Object.entries(inputs).map(([k, v]) => [k, decoded(v)]));
}

/** Registers `resources` (in the order the program registered them, parents first) under the current runtime. */
export function replayResources(resources: readonly RenderedResource[]): void {
    const byName = new Map<string, pulumi.Resource>();
    let kubernetesProvider: pulumi.ProviderResource | undefined;
    for (const r of resources) {
        const parent = r.parent === undefined ? undefined : byName.get(r.parent);
        if (!r.custom) {
            byName.set(r.name, new ReplayedComponent(r.type, r.name, {}, { parent }));
            continue;
        }
        const opts: pulumi.CustomResourceOptions = {
            ...replayedOptions(r.options, byName),
            parent,
            provider: r.type.startsWith("kubernetes:") ? kubernetesProvider : undefined,
        };
        const Class = providerClassFor(r.type);
        const inputs = r.type === KUBERNETES_PROVIDER_TYPE ? replayedProviderInputs(r.inputs) : r.inputs;
        const resource = Class ? new Class(r.name, inputs, opts) : new ReplayedCustomResource(r.type, r.name, inputs, opts);
        if (r.type === KUBERNETES_PROVIDER_TYPE) {
            kubernetesProvider = resource as pulumi.ProviderResource;
        }
        byName.set(r.name, resource);
    }
}
