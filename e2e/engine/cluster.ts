/**
 * A real Kubernetes control plane on loopback: etcd, kube-apiserver and kube-controller-manager,
 * with certificates, a static token and service-account signing keys generated per run. There is
 * no scheduler and no kubelet; see kubelet.ts for how pods get bound and reported running.
 */
import { ChildProcess, execFileSync, spawn } from "child_process";
import * as crypto from "crypto";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { Components } from "./components";
import { KubeClient } from "./kube";
import { freeLoopbackPort } from "../support/process";

export interface Cluster {
    /** https://127.0.0.1:<port> */
    readonly server: string;
    /** PEM of the CA that signed the API server's certificate. */
    readonly caPem: string;
    /** A bearer token in the system:masters group. */
    readonly token: string;
    readonly client: KubeClient;
    readonly dir: string;
    /** Stops the API server and etcd (SIGTERM, as a restart does) for `downMs`, then starts them again on the same data. */
    outage(downMs: number): Promise<void>;
    stop(): Promise<void>;
}


/** Runs openssl in `dir`, quietly unless it fails. */
export function openssl(dir: string, args: string[]): void {
    execFileSync("openssl", args, { cwd: dir, stdio: ["ignore", "ignore", "pipe"] });
}

/** A CA, the API server's serving certificate for 127.0.0.1, and the service-account key pair. */
function writeCertificates(dir: string): void {
    openssl(dir, ["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", "ca.key", "-out", "ca.crt", "-days", "2", "-subj", "/CN=qdb-e2e-ca"]);
    openssl(dir, ["req", "-newkey", "rsa:2048", "-nodes", "-keyout", "apiserver.key", "-out", "apiserver.csr", "-subj", "/CN=kube-apiserver",
        "-addext", "subjectAltName=IP:127.0.0.1,DNS:localhost,DNS:kubernetes,DNS:kubernetes.default.svc,IP:10.96.0.1"]);
    openssl(dir, ["x509", "-req", "-in", "apiserver.csr", "-CA", "ca.crt", "-CAkey", "ca.key", "-CAcreateserial", "-out", "apiserver.crt",
        "-days", "2", "-copy_extensions", "copyall"]);
    const { privateKey, publicKey } = crypto.generateKeyPairSync("rsa", { modulusLength: 2048 });
    fs.writeFileSync(path.join(dir, "sa.key"), privateKey.export({ type: "pkcs8", format: "pem" }));
    fs.writeFileSync(path.join(dir, "sa.pub"), publicKey.export({ type: "spki", format: "pem" }));
}

/** A kubeconfig with a static token, for the controller manager. */
function tokenKubeconfig(server: string, caFile: string, token: string): string {
    return JSON.stringify({
        apiVersion: "v1", kind: "Config",
        clusters: [{ name: "e2e", cluster: { server, "certificate-authority": caFile } }],
        users: [{ name: "admin", user: { token } }],
        contexts: [{ name: "e2e", context: { cluster: "e2e", user: "admin" } }],
        "current-context": "e2e",
    });
}

function start(name: string, bin: string, args: string[], dir: string): ChildProcess {
    const log = fs.openSync(path.join(dir, `${name}.log`), "a");
    const child = spawn(bin, args, { cwd: dir, stdio: ["ignore", log, log] });
    child.on("exit", (code, signal) => {
        if (code !== null && code !== 0) {
            console.error(`[e2e] ${name} exited with ${code} (${signal ?? ""}); see ${path.join(dir, `${name}.log`)}`);
        }
    });
    return child;
}

async function waitFor(what: string, check: () => Promise<boolean>, timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
        try {
            if (await check()) {
                return;
            }
        } catch {
            // not up yet
        }
        if (Date.now() > deadline) {
            throw new Error(`[e2e] timed out after ${timeoutMs / 1000} s waiting for ${what}`);
        }
        await new Promise((r) => setTimeout(r, 250));
    }
}

async function stopAll(children: ChildProcess[]): Promise<void> {
    for (const child of [...children].reverse()) {
        if (child.exitCode === null && child.signalCode === null) {
            const exited = new Promise((r) => child.once("exit", r));
            child.kill("SIGTERM");
            await Promise.race([exited, new Promise((r) => setTimeout(r, 5000))]);
            if (child.exitCode === null && child.signalCode === null) {
                child.kill("SIGKILL");
            }
        }
    }
}

/** Whether a list of every installed custom resource answers 200. */
async function customResourcesServe(client: KubeClient): Promise<boolean> {
    type Crd = { spec: { group: string; names: { plural: string }; versions: { name: string; served: boolean }[] } };
    const crds = (await client.list("/apis/apiextensions.k8s.io/v1/customresourcedefinitions")) as Crd[];
    for (const { spec } of crds) {
        const version = spec.versions.find((v) => v.served)?.name;
        if (version && (await client.raw("GET", `/apis/${spec.group}/${version}/${spec.names.plural}?limit=1`)).status !== 200) {
            return false;
        }
    }
    return true;
}

/** Starts etcd, the API server and the controller manager; resolves once the API serves and the default namespace has its service account. */
export async function startCluster(components: Components): Promise<Cluster> {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "qdb-e2e-cluster-"));
    writeCertificates(dir);
    const token = crypto.randomBytes(24).toString("hex");
    fs.writeFileSync(path.join(dir, "tokens.csv"), `${token},e2e-admin,e2e-admin,"system:masters"\n`);
    const [etcdClient, etcdPeer, apiPort, kcmPort] = [await freeLoopbackPort(), await freeLoopbackPort(), await freeLoopbackPort(), await freeLoopbackPort()];
    const server = `https://127.0.0.1:${apiPort}`;
    const children: ChildProcess[] = [];
    let restart: () => Promise<void> = async () => undefined;
    let client: KubeClient | undefined;
    try {
        const etcdArgs = [
            "--data-dir", path.join(dir, "etcd"), "--name", "e2e",
            "--listen-client-urls", `http://127.0.0.1:${etcdClient}`, "--advertise-client-urls", `http://127.0.0.1:${etcdClient}`,
            "--listen-peer-urls", `http://127.0.0.1:${etcdPeer}`, "--initial-advertise-peer-urls", `http://127.0.0.1:${etcdPeer}`,
            "--initial-cluster", `e2e=http://127.0.0.1:${etcdPeer}`,
            // A throwaway cluster: durability buys nothing and fsync dominates on a shared disk.
            "--unsafe-no-fsync", "--quota-backend-bytes", String(2 * 1024 ** 3),
        ];
        children.push(start("etcd", components.etcd, etcdArgs, dir));
        const apiserverArgs = [
            "--etcd-servers", `http://127.0.0.1:${etcdClient}`,
            "--bind-address", "127.0.0.1", "--advertise-address", "127.0.0.1", "--secure-port", String(apiPort),
            "--cert-dir", path.join(dir, "apiserver-certs"),
            "--tls-cert-file", "apiserver.crt", "--tls-private-key-file", "apiserver.key", "--client-ca-file", "ca.crt",
            "--token-auth-file", "tokens.csv", "--authorization-mode", "RBAC",
            "--service-account-issuer", "https://kubernetes.default.svc", "--service-account-key-file", "sa.pub",
            "--service-account-signing-key-file", "sa.key", "--service-cluster-ip-range", "10.96.0.0/16",
            "--allow-privileged", "--endpoint-reconciler-type", "none",
        ];
        children.push(start("kube-apiserver", components.kubeApiserver, apiserverArgs, dir));
        restart = async () => {
            children[0] = start("etcd", components.etcd, etcdArgs, dir);
            children[1] = start("kube-apiserver", components.kubeApiserver, apiserverArgs, dir);
            const api = client as KubeClient;
            await waitFor("kube-apiserver /readyz after the outage", async () => (await api.raw("GET", "/readyz")).status === 200, 120_000);
            // /readyz is up before every custom resource's storage: until then its lists answer 429
            // "storage is (re)initializing". The outage is over when all of them answer.
            await waitFor("every custom resource's storage after the outage", () => customResourcesServe(api), 120_000);
        };
        const caPem = fs.readFileSync(path.join(dir, "ca.crt"), "utf8");
        client = new KubeClient(server, caPem, token);
        const api = client;
        await waitFor("kube-apiserver /readyz", async () => (await api.raw("GET", "/readyz")).status === 200, 120_000);
        fs.writeFileSync(path.join(dir, "kcm.kubeconfig"), tokenKubeconfig(server, path.join(dir, "ca.crt"), token));
        children.push(start("kube-controller-manager", components.kubeControllerManager, [
            "--kubeconfig", "kcm.kubeconfig", "--leader-elect=false", "--bind-address", "127.0.0.1", "--secure-port", String(kcmPort),
            "--service-account-private-key-file", "sa.key", "--root-ca-file", "ca.crt", "--use-service-account-credentials=false",
            // No kubelet posts node heartbeats: the lifecycle controller would taint the fake node and evict its pods.
            "--controllers", "*,-node-lifecycle-controller,-taint-eviction-controller",
            "--concurrent-gc-syncs", "5", "--concurrent-namespace-syncs", "5",
        ], dir));
        await waitFor("the default service account (controller manager up)",
            async () => (await api.raw("GET", "/api/v1/namespaces/default/serviceaccounts/default")).status === 200, 120_000);
    } catch (err) {
        await stopAll(children);
        throw err;
    }
    const caPem = fs.readFileSync(path.join(dir, "ca.crt"), "utf8");
    return {
        server, caPem, token, dir, client: new KubeClient(server, caPem, token),
        outage: async (downMs) => {
            await stopAll([children[0], children[1]]);
            await new Promise((r) => setTimeout(r, downMs));
            await restart();
        },
        stop: () => stopAll(children),
    };
}
