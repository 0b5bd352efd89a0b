/**
 * The real tier's components, each built from the registries on first use into the e2e cache and
 * rebuilt only when its pinned version changes (e2e/support/cache.ts). Every build prints its
 * download and build time (the `[e2e-build]` lines) and the component's own version.
 */
import { execFile, execFileSync } from "child_process";
import * as crypto from "crypto";
import * as fs from "fs";
import * as path from "path";
import { KARPENTER } from "../../inventory/nodeProvisioner";
import { cacheDir, installOnce } from "../support/cache";

const E2E_DIR = path.resolve(__dirname, "..");

/**
 * Pinned versions. The Kubernetes provider is the one release the Go module proxy serves
 * (provider/v4 has only pseudo-versions there); package.json pins @pulumi/kubernetes to the same
 * release so the SDK asks for exactly this plugin (docs/decisions.md).
 */
const [karpenterModule, karpenterVersion] = KARPENTER.testedModule.split("@");
const KARPENTER_MODULE = { module: karpenterModule, version: karpenterVersion } as const;

export const PINS = {
    etcd: "v3.6.8",
    kubernetes: "v1.36.3",
    pulumi: "v3.274.1",
    kubernetesProvider: { module: "v4.0.0-20260115033456-f47bc2d6f199", release: "4.25.0" },
    prometheusOperator: "v0.85.0",
    /** The Gateway API release Traefik v3.7.13 builds against (its go.mod). */
    gatewayApi: "v1.6.1",
    /** The Traefik release docs/decisions.md ("Customer endpoints") chose: its CRD manifest, and its binary (e2e/traefik). */
    traefik: "v3.7.13",
    certManager: "v1.21.2",
    /**
     * Karpenter's core module for the stand-in (e2e/karpenter-standin): the newest release whose
     * go.mod this machine's Go 1.26.8 accepts (v1.14.3 asks for 1.26.10, v1.15.0 for 1.26.9;
     * docs/decisions.md, "The Karpenter stand-in's pin").
     */
    karpenterCore: "v1.14.1",
} as const;

export interface Components {
    readonly etcd: string;
    readonly kubeApiserver: string;
    readonly kubeControllerManager: string;
    /** The directory whose bin/pulumi is the CLI (what the Automation API's PulumiCommand takes as root). */
    readonly pulumiRoot: string;
    readonly kubernetesProvider: string;
    /** CustomResourceDefinition manifests (YAML files) the program's objects need. */
    readonly crds: readonly string[];
    /** The Karpenter stand-in's `judge` binary. */
    readonly karpenterStandin: string;
}

/** Runs a build script, streaming its output to the test log and to a file beside the product. */
function runScript(script: string, args: string[], logFile: string): Promise<void> {
    return new Promise((resolve, reject) => {
        const child = execFile("bash", [path.join(E2E_DIR, script), ...args], { maxBuffer: 64 * 1024 * 1024 }, (err, stdout, stderr) => {
            fs.writeFileSync(logFile, `${stdout}\n${stderr}`);
            const timings = `${stdout}\n${stderr}`.split("\n").filter((l) => l.startsWith("[e2e-build]") || /version/i.test(l));
            timings.forEach((l) => console.log(l));
            if (err) {
                reject(new Error(`${script} ${args.join(" ")} failed (${err.message}); log: ${logFile}\n${stderr.slice(-4000)}`));
            } else {
                resolve();
            }
        });
        child.stdin?.end();
    });
}

async function built(name: string, version: string, script: string, args: (dir: string) => string[]): Promise<string> {
    const dir = cacheDir(name, version);
    await installOnce(name, version, dir, () => runScript(script, args(dir), path.join(dir, "build.log")));
    return dir;
}

/**
 * The CRDs of the objects the program creates, from each project's module zip: ServiceMonitor and
 * PrometheusRule (Prometheus Operator), Gateway API's standard channel (the version Traefik
 * builds against), IngressRouteTCP, Middleware and MiddlewareTCP (Traefik's one manifest of all
 * its CRDs), Certificate (cert-manager), NodePool and EC2NodeClass (Karpenter).
 */
export const CRD_SOURCES = [
    {
        name: "prometheus-operator-crds", module: "github.com/prometheus-operator/prometheus-operator", version: PINS.prometheusOperator,
        files: ["servicemonitors", "prometheusrules"].map((k) => `example/prometheus-operator-crd/monitoring.coreos.com_${k}.yaml`),
    },
    {
        // Every standard-channel kind Traefik's Gateway provider watches: it waits for all of
        // their informers before it serves a route (pkg/provider/kubernetes/gateway/client.go).
        name: "gateway-api-standard-crds", module: "sigs.k8s.io/gateway-api", version: PINS.gatewayApi,
        files: ["gatewayclasses", "gateways", "httproutes", "grpcroutes", "referencegrants", "backendtlspolicies", "tlsroutes"]
            .map((k) => `config/crd/standard/gateway.networking.k8s.io_${k}.yaml`),
    },
    {
        name: "traefik-crds", module: "github.com/traefik/traefik/v3", version: PINS.traefik,
        files: ["docs/content/reference/dynamic-configuration/kubernetes-crd-definition-v1.yml"],
    },
    {
        name: "cert-manager-crds", module: "github.com/cert-manager/cert-manager", version: PINS.certManager,
        files: ["deploy/crds/cert-manager.io_certificates.yaml"],
    },
    {
        // The release the program is tested against (inventory/nodeProvisioner.ts): its copies of
        // core's NodePool and NodeClaim beside its own EC2NodeClass, so the API server's schema and
        // CEL rules judge every Karpenter object the program applies.
        name: "karpenter-crds", module: KARPENTER_MODULE.module, version: KARPENTER_MODULE.version,
        files: ["karpenter.sh_nodepools", "karpenter.sh_nodeclaims", "karpenter.k8s.aws_ec2nodeclasses"].map((k) => `pkg/apis/crds/${k}.yaml`),
    },
] as const;

async function publishedCrds(): Promise<string[]> {
    const files: string[] = [];
    for (const source of CRD_SOURCES) {
        const dir = await built(source.name, source.version, "engine/crds.sh", (d) => [source.module, source.version, d, ...source.files]);
        files.push(...source.files.map((f) => path.join(dir, path.basename(f))));
    }
    return files;
}

/**
 * The stand-in's sources are ours, so its cache key is the core pin and a digest of those sources:
 * an edit rebuilds it (only the stand-in's own package compiles again; the rest is in Go's cache).
 */
function standinVersion(): string {
    const dir = path.join(E2E_DIR, "karpenter-standin");
    const digest = crypto.createHash("sha256");
    for (const file of fs.readdirSync(dir).sort()) {
        digest.update(file).update(fs.readFileSync(path.join(dir, file)));
    }
    return `${PINS.karpenterCore}-${digest.digest("hex").slice(0, 12)}`;
}

/** Builds (or finds in the cache) every component, sequentially: each build uses both cores. */
export async function ensureComponents(): Promise<Components> {
    const etcd = await built("etcd", PINS.etcd, "etcd/build.sh", (d) => [PINS.etcd, d]);
    const kube = await built("kube", PINS.kubernetes, "kube/build.sh", (d) => [PINS.kubernetes, d]);
    const pulumi = await built("pulumi", PINS.pulumi, "pulumi/build.sh", (d) => [PINS.pulumi, d]);
    const { module, release } = PINS.kubernetesProvider;
    const provider = await built("kubernetes-provider", release, "kubernetes-provider/build.sh", (d) => [module, release, d]);
    const crds = await publishedCrds();
    const standin = await built("karpenter-standin", standinVersion(), "karpenter-standin/build.sh", (d) => [PINS.karpenterCore, d]);
    const components: Components = {
        etcd: path.join(etcd, "etcd"),
        kubeApiserver: path.join(kube, "kube-apiserver"),
        kubeControllerManager: path.join(kube, "kube-controller-manager"),
        pulumiRoot: pulumi,
        kubernetesProvider: path.join(provider, "pulumi-resource-kubernetes"),
        crds,
        karpenterStandin: path.join(standin, "karpenter-standin"),
    };
    printVersions(components);
    return components;
}

function printVersions(c: Components): void {
    const first = (cmd: string, args: string[]) => execFileSync(cmd, args, { encoding: "utf8" }).split("\n")[0].trim();
    console.log(`[e2e] etcd: ${first(c.etcd, ["--version"])}`);
    console.log(`[e2e] kube-apiserver: ${first(c.kubeApiserver, ["--version"])}`);
    console.log(`[e2e] kube-controller-manager: ${first(c.kubeControllerManager, ["--version"])}`);
    console.log(`[e2e] pulumi: ${first(path.join(c.pulumiRoot, "bin", "pulumi"), ["version"])}`);
    console.log(`[e2e] pulumi-resource-kubernetes: ${PINS.kubernetesProvider.release} (${PINS.kubernetesProvider.module})`);
    console.log(`[e2e] karpenter-standin: sigs.k8s.io/karpenter ${PINS.karpenterCore}`);
    console.log(`[e2e] CRDs: ${CRD_SOURCES.map((s) => `${s.module} ${s.version}`).join(", ")}`);
}
