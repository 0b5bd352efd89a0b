import * as fs from "fs";
import { stringify } from "yaml";
import { RawStackConfig, StackFile, parseStackFile, readStackFile, stackFilePath } from "../../inventory";
import { PROJECT_DIR } from "../../render/inProcess";
import { Render, RenderedResource, renderInChild, requestFromStackFile } from "../../render";

export { PROJECT_DIR };

/** Every `Pulumi.<stack>.yaml` shipped in the repository. */
export function shippedStacks(): string[] {
    return fs.readdirSync(PROJECT_DIR)
        .map((f) => /^Pulumi\.(.+)\.yaml$/.exec(f)?.[1])
        .filter((s): s is string => s !== undefined)
        .sort();
}

export function shippedStackFile(stack: string): StackFile {
    return readStackFile(stackFilePath(PROJECT_DIR, stack));
}

/** Renders a shipped stack in a child process (one mock runtime per process). */
export function renderShippedStack(stack: string, preview = false): Promise<Render> {
    return renderInChild(requestFromStackFile(shippedStackFile(stack), preview));
}

/**
 * Renders a stack file body given as an object (the YAML document's content). `previousOutputs`
 * are what the stack's self-reference reads back: the outputs of the last deployment.
 */
export function renderStackBody(stack: string, body: unknown, preview = false, previousOutputs?: Record<string, unknown>): Promise<Render> {
    const file = parseStackFile(stringify(body), `Pulumi.${stack}.yaml`, stack);
    return renderInChild({ ...requestFromStackFile(file, preview), previousOutputs });
}

/** The parsed YAML body of a shipped stack file, to edit in a test. */
export function shippedStackBody(stack: string): { config: Record<string, unknown> } {
    const file = shippedStackFile(stack);
    const config = Object.fromEntries(Object.entries(file.config).map(([k, v]) => [k, parseMaybeJson(v)]));
    return { config };
}

function parseMaybeJson(value: string): unknown {
    try {
        return JSON.parse(value);
    } catch {
        return value;
    }
}

/** The database entries of a stack body, for edits. */
export function databasesOf(body: { config: Record<string, unknown> }): Record<string, unknown>[] {
    return body.config["questdb-cloud:databases"] as Record<string, unknown>[];
}

export function rawConfigOf(body: { config: Record<string, unknown> }, stack = "test"): RawStackConfig {
    return {
        stack,
        awsRegion: body.config["aws:region"],
        region: body.config["questdb-cloud:region"],
        databases: body.config["questdb-cloud:databases"],
        hasCredentialsSeed: true,
    };
}

/** The resource of this type and logical name; fails the test when there is none. */
export function resource(render: Render, type: string, name: string): RenderedResource {
    const found = render.resources.find((r) => r.type === type && r.name === name);
    if (!found) {
        throw new Error(`no ${type} named ${name} in the render of ${render.stack}`);
    }
    return found;
}

export function resourcesOfType(render: Render, type: string): RenderedResource[] {
    return render.resources.filter((r) => r.type === type);
}

/** Every resource that belongs to a database: its component and the component's children. */
export function resourcesOfDatabase(render: Render, id: string): RenderedResource[] {
    return render.resources.filter((r) => r.name === id || r.parent === id);
}

export const TYPES = {
    deployment: "questdb-cloud:index:QuestDbDeployment",
    namespace: "kubernetes:core/v1:Namespace",
    nodeGroup: "aws:eks/nodeGroup:NodeGroup",
    launchTemplate: "aws:ec2/launchTemplate:LaunchTemplate",
    volume: "aws:ebs/volume:Volume",
    snapshot: "aws:ebs/snapshot:Snapshot",
    lifecyclePolicy: "aws:dlm/lifecyclePolicy:LifecyclePolicy",
    persistentVolume: "kubernetes:core/v1:PersistentVolume",
    claim: "kubernetes:core/v1:PersistentVolumeClaim",
    configMap: "kubernetes:core/v1:ConfigMap",
    secret: "kubernetes:core/v1:Secret",
    statefulSet: "kubernetes:apps/v1:StatefulSet",
    cronJob: "kubernetes:batch/v1:CronJob",
    service: "kubernetes:core/v1:Service",
    ingress: "kubernetes:networking.k8s.io/v1:Ingress",
    record: "aws:route53/record:Record",
    networkPolicy: "kubernetes:networking.k8s.io/v1:NetworkPolicy",
    storageClass: "kubernetes:storage.k8s.io/v1:StorageClass",
    k8sProvider: "pulumi:providers:kubernetes",
} as const;

/** Type tokens of the endpoint's custom resources (Gateway API, Traefik, cert-manager). */
export const ENDPOINT_TYPES = {
    gateway: "kubernetes:gateway.networking.k8s.io/v1:Gateway",
    httpRoute: "kubernetes:gateway.networking.k8s.io/v1:HTTPRoute",
    tcpRoute: "kubernetes:traefik.io/v1alpha1:IngressRouteTCP",
    middleware: "kubernetes:traefik.io/v1alpha1:Middleware",
    middlewareTcp: "kubernetes:traefik.io/v1alpha1:MiddlewareTCP",
    tlsOption: "kubernetes:traefik.io/v1alpha1:TLSOption",
    certificate: "kubernetes:cert-manager.io/v1:Certificate",
} as const;
