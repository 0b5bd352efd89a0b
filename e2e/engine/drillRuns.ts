/**
 * A restore drill on the tier as its runner does it: scripts/backup/drill.sh itself, with the
 * environment the program gave the drill's CronJob (as the API server stored it) and a token of the
 * runner's ServiceAccount, every Kubernetes call going to the tier's API server. Only AWS and
 * QuestDB's answer are stubs (test/backup/stubs.ts). The PV body the script sent is returned, so a
 * test can vary one thing of it at a time rather than retype it.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { drillCronJobName } from "../../inventory";
import { DRILL_LABEL, DRILL_PV_POLICY } from "../../components/drillAdmission";
import { Harness, ScriptRun, harness, runScript } from "../../test/backup/stubs";
import { Cluster } from "./cluster";
import { KubeClient, KubeObject } from "./kube";

export const PVS = "/api/v1/persistentvolumes";

export interface DrillRun {
    readonly result: ScriptRun;
    readonly harness: Harness;
    /** The PV's name: drill-<database>-<run>. */
    readonly name: string;
    /** The PV body drill.sh POSTed, undefined when it sent none. */
    readonly pv: KubeObject | undefined;
    /** The phases the PV controller gave the PV while the script ran (polled every 100 ms). */
    readonly phases: ReadonlySet<string>;
    readonly seconds: number;
}

export async function runDrill(cluster: Cluster, token: string, namespace: string, database: string, run: string): Promise<DrillRun> {
    const h = harness({ passthroughKube: true });
    fs.writeFileSync(path.join(h.env.SA_DIR, "token"), token);
    fs.writeFileSync(path.join(h.env.SA_DIR, "ca.crt"), cluster.caPem);
    const cronJob = await cluster.client.get(`/apis/batch/v1/namespaces/${namespace}/cronjobs/${drillCronJobName(database)}`);
    const env = Object.fromEntries(cronJob.spec.jobTemplate.spec.template.spec.containers[0].env.map((e: KubeObject) => [e.name, e.value as string]));
    const name = `drill-${database}-${run}`;
    const phases = new Set<string>();
    let watching = true;
    const watch = (async () => {
        while (watching) {
            const pv = await cluster.client.find(`${PVS}/${name}`);
            if (pv?.status?.phase) {
                phases.add(pv.status.phase as string);
            }
            await new Promise((r) => setTimeout(r, 100));
        }
    })();
    const started = Date.now();
    const result = await runScript(h, "drill.sh", {
        ...env, HOME: h.dir, RUN_ID: run, KUBE_API: cluster.server, POLL_SECONDS: "1", READY_TIMEOUT_SECONDS: "120",
    });
    watching = false;
    await watch;
    const body = h.kubeBodies().find((b) => b.call === `curl POST ${PVS}`)?.body;
    return { result, harness: h, name, pv: body === undefined ? undefined : JSON.parse(body) as KubeObject, phases, seconds: (Date.now() - started) / 1000 };
}

/** The PV drill.sh created, renamed and relabelled as another run's, with a volume of `handle`. */
export function asRun(scripted: KubeObject, database: string, run: string, handle: string): KubeObject {
    const pv = structuredClone(scripted);
    const name = `drill-${database}-${run}`;
    pv.metadata = { ...pv.metadata, name, labels: { ...pv.metadata.labels, [DRILL_LABEL]: run } };
    pv.spec.claimRef = { ...pv.spec.claimRef, name };
    pv.spec.csi = { ...pv.spec.csi, volumeHandle: handle };
    return pv;
}

/** How the API server words a denial of a PV create or delete by a policy and its binding (k8s.io/apiserver, policy/validating/dispatcher.go). */
export function denial(pvName: string, message: string, policy = DRILL_PV_POLICY): string {
    return `persistentvolumes "${pvName}" is forbidden: ValidatingAdmissionPolicy '${policy}' with binding '${policy}' denied request: ${message}`;
}

export async function waitGone(client: KubeClient, objectPath: string, timeoutMs = 60_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (await client.find(objectPath)) {
        if (Date.now() > deadline) {
            throw new Error(`${objectPath} still present after ${timeoutMs / 1000} s`);
        }
        await new Promise((r) => setTimeout(r, 200));
    }
}
