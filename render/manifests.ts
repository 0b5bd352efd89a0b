/**
 * Kubernetes objects of a render as plain manifests: written as YAML for review and validated
 * offline against the Kubernetes OpenAPI schema with kubernetes-models 4.5 (CommonJS), and custom
 * resources against their CRD's schema (CRD_SCHEMA_PACKAGES).
 */
import * as fs from "fs";
import * as path from "path";
import { pathToFileURL } from "url";
import { stringify } from "yaml";
import { Render, RenderedResource, SECRET_MASK } from "./types";

/** A Kubernetes object of the render, ready to write and validate. */
export interface Manifest {
    readonly resource: RenderedResource;
    /** Path relative to the output directory: `<database or _region>/<Kind>-<logical name>.yaml`. */
    readonly file: string;
    readonly object: Record<string, unknown>;
    /** Whether secret values were masked (written as an empty map). */
    readonly masked: boolean;
}

export function isKubernetesObject(r: RenderedResource): boolean {
    return r.type.startsWith("kubernetes:");
}

/** Secret payloads are masked by render; an empty map keeps the manifest schema-valid. */
function unmask(object: Record<string, unknown>): { object: Record<string, unknown>; masked: boolean } {
    const copy = { ...object };
    let masked = false;
    for (const key of ["data", "stringData", "binaryData"]) {
        if (copy[key] === SECRET_MASK) {
            copy[key] = {};
            masked = true;
        }
    }
    return { object: copy, masked };
}

export function manifestsOf(render: Render): Manifest[] {
    return render.resources.filter(isKubernetesObject).map((resource) => {
        const { object, masked } = unmask(resource.inputs);
        const kind = String(object.kind ?? resource.type.split(":").pop());
        return { resource, object, masked, file: path.join(resource.parent ?? "_region", `${kind}-${resource.name}.yaml`) };
    });
}

type ModelClass = new (data: unknown) => { validate(): void };

/**
 * Packages with the schemas of custom resources, by API group: one line per group the program
 * renders. Each must be a CommonJS @kubernetes-models package built on the same
 * @kubernetes-models/base as kubernetes-models 4.5 (the 4.x line; 5.x is ESM only).
 */
export const CRD_SCHEMA_PACKAGES: Readonly<Record<string, string>> = {
    "monitoring.coreos.com": "@kubernetes-models/prometheus-operator",
    "gateway.networking.k8s.io": "@kubernetes-models/gateway-api",
    "cert-manager.io": "@kubernetes-models/cert-manager",
    "traefik.io": "@kubernetes-models/traefik",
};

/** The module that models an apiVersion's kinds: kubernetes-models, or a CRD's package. */
function modelModule(apiVersion: string): string {
    const group = apiVersion.includes("/") ? apiVersion.split("/")[0] : "";
    return CRD_SCHEMA_PACKAGES[group] ?? "kubernetes-models";
}

/**
 * Custom resources whose only schema package is ESM (the @kubernetes-models 5.x line, with an
 * import-only exports map): Karpenter's. `require` cannot load them under tsx, so `preloadSchemas`
 * imports them once, and everything that validates awaits it first. The package's schemas are
 * its CRDs' (docs/decisions.md, "Karpenter's schemas offline").
 */
export const ESM_SCHEMA_MODELS: Readonly<Record<string, string>> = {
    "karpenter.sh/v1/NodePool": "@kubernetes-models/karpenter/karpenter.sh/v1/NodePool.js",
    "karpenter.k8s.aws/v1/EC2NodeClass": "@kubernetes-models/karpenter/karpenter.k8s.aws/v1/EC2NodeClass.js",
};
const esmModels = new Map<string, ModelClass>();

/** A package file by path, past its exports map: the node_modules folder that holds the package. */
function packageFile(file: string): string {
    const name = file.split("/").slice(0, 2).join("/");
    const root = (require.resolve.paths(name) ?? []).find((dir) => fs.existsSync(path.join(dir, name, "package.json")));
    if (!root) {
        throw new Error(`${name} is not installed: run npm ci`);
    }
    return path.join(root, file);
}

async function loadEsmSchemas(): Promise<void> {
    for (const [apiVersionKind, file] of Object.entries(ESM_SCHEMA_MODELS)) {
        if (!esmModels.has(apiVersionKind)) {
            const kind = apiVersionKind.slice(apiVersionKind.lastIndexOf("/") + 1);
            const module = await import(pathToFileURL(packageFile(file)).href) as Record<string, ModelClass>;
            esmModels.set(apiVersionKind, module[kind]);
        }
    }
}

/** The model class for an apiVersion/kind, or undefined when no installed package ships one. */
function modelFor(apiVersion: string, kind: string): ModelClass | undefined {
    const esm = esmModels.get(`${apiVersion}/${kind}`);
    if (esm) {
        return esm;
    }
    try {
        // eslint-disable-next-line @typescript-eslint/no-require-imports
        return (require(`${modelModule(apiVersion)}/${apiVersion}/${kind}`) as Record<string, ModelClass>)[kind];
    } catch {
        return undefined;
    }
}

/**
 * Every apiVersion/kind the program renders. Loading their schema models is most of a first
 * validation's cost; `preloadSchemas` does it while the render child runs, off synth's critical
 * path. Only a hint: a kind missing here is validated all the same, after the render.
 * test/render/manifests.test.ts keeps the list equal to what the shipped stacks render.
 */
export const RENDERED_KINDS: readonly string[] = [
    "admissionregistration.k8s.io/v1/ValidatingAdmissionPolicy", "admissionregistration.k8s.io/v1/ValidatingAdmissionPolicyBinding",
    "apps/v1/Deployment", "apps/v1/StatefulSet", "batch/v1/CronJob", "cert-manager.io/v1/Certificate",
    "gateway.networking.k8s.io/v1/Gateway", "gateway.networking.k8s.io/v1/HTTPRoute",
    "monitoring.coreos.com/v1/PrometheusRule", "monitoring.coreos.com/v1/ServiceMonitor",
    "networking.k8s.io/v1/Ingress", "networking.k8s.io/v1/NetworkPolicy",
    "rbac.authorization.k8s.io/v1/ClusterRole", "rbac.authorization.k8s.io/v1/ClusterRoleBinding",
    "rbac.authorization.k8s.io/v1/Role", "rbac.authorization.k8s.io/v1/RoleBinding",
    "storage.k8s.io/v1/StorageClass", "traefik.io/v1alpha1/IngressRouteTCP", "traefik.io/v1alpha1/Middleware",
    "traefik.io/v1alpha1/MiddlewareTCP", "traefik.io/v1alpha1/TLSOption", "v1/ConfigMap", "v1/LimitRange", "v1/Namespace", "v1/PersistentVolume",
    "v1/PersistentVolumeClaim", "v1/ResourceQuota", "v1/Secret", "v1/Service", "v1/ServiceAccount",
];

/**
 * Loads the schema models of RENDERED_KINDS (Node's require cache keeps them for validateManifest)
 * and the ESM ones, without which Karpenter's kinds have no schema: await it before validating.
 */
export async function preloadSchemas(): Promise<void> {
    for (const apiVersionKind of RENDERED_KINDS) {
        const slash = apiVersionKind.lastIndexOf("/");
        modelFor(apiVersionKind.slice(0, slash), apiVersionKind.slice(slash + 1));
    }
    await loadEsmSchemas();
}

/** Whether kubernetes-models ships a schema for this object's kind (CRDs have none). */
export function hasOfflineSchema(object: Record<string, unknown>): boolean {
    return modelFor(String(object.apiVersion), String(object.kind)) !== undefined;
}

/** Schema problems of one object: [] when valid, one message per violation otherwise. */
export function validateManifest(object: Record<string, unknown>): string[] {
    const { apiVersion, kind } = object;
    if (typeof apiVersion !== "string" || typeof kind !== "string") {
        return ["apiVersion and kind must be strings"];
    }
    const Model = modelFor(apiVersion, kind);
    if (!Model) {
        return [`no offline schema for ${apiVersion}/${kind} in ${modelModule(apiVersion)}; cannot validate`];
    }
    try {
        new Model(object).validate();
        return [];
    } catch (err) {
        const errors = (err as { errors?: { instancePath: string; message?: string }[] }).errors;
        return errors?.map((e) => `${e.instancePath || "/"} ${e.message ?? "is invalid"}`) ?? [String(err)];
    }
}

/** Writes each manifest under `dir` (replacing what a previous run left there). */
export function writeManifests(dir: string, manifests: readonly Manifest[]): void {
    fs.rmSync(dir, { recursive: true, force: true });
    for (const m of manifests) {
        const file = path.join(dir, m.file);
        fs.mkdirSync(path.dirname(file), { recursive: true });
        const header = `# ${m.resource.type} ${m.resource.name}, rendered offline under mocks by \`npm run synth\`.\n` +
            (m.masked ? "# Secret values are masked: data/stringData is written empty.\n" : "");
        fs.writeFileSync(file, header + stringify(m.object, { sortMapEntries: false }));
    }
}
