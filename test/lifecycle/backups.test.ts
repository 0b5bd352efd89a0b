import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { before, test } from "node:test";
import { Render } from "../../render";
import { DatabaseSpec, validateInventory } from "../../inventory";
import { changesBetween, editedProd, entry, renderAfter } from "../support/lifecycle";
import { PROJECT_DIR, TYPES, rawConfigOf, renderShippedStack, resource, resourcesOfDatabase, shippedStackBody } from "../support/stacks";

const CRON_JOB = "kubernetes:batch/v1:CronJob";
const ROLE_POLICY = "aws:iam/rolePolicy:RolePolicy";
const POD_IDENTITY = "aws:eks/podIdentityAssociation:PodIdentityAssociation";
const prod = validateInventory(rawConfigOf(shippedStackBody("prod"), "prod"));
const byState = (state: DatabaseSpec["state"]) => prod.databases.filter((d) => d.state === state).map((d) => d.id);
const json = (value: unknown) => value as any;

let base: Render;
before(async () => {
    base = await renderShippedStack("prod");
});

const volumeIdOf = (render: Render, id: string) => (render.outputs.databases as any)[id].volumeId as string;
const envOf = (cronJob: any) => Object.fromEntries(
    cronJob.spec.jobTemplate.spec.template.spec.containers[0].env.map((e: any) => [e.name, e.value ?? e.valueFrom]));

test("every active database gets a backup CronJob on its schedule, off the dedicated node, with its volume and credentials", () => {
    assert.ok(byState("active").length >= 8);
    for (const id of byState("active")) {
        const cronJob = resource(base, CRON_JOB, `${id}-backup`);
        const spec = json(cronJob.inputs).spec;
        assert.equal(cronJob.parent, id);
        assert.equal(json(cronJob.inputs).metadata.namespace, `qdb-${id}`);
        // Every shipped schedule is the default or wayne-finance's retention override: daily 03:00 UTC.
        assert.equal(spec.schedule, "0 3 * * *");
        assert.equal(spec.timeZone, "Etc/UTC");
        assert.equal(spec.concurrencyPolicy, "Forbid");
        const pod = spec.jobTemplate.spec.template.spec;
        assert.equal(pod.tolerations, undefined, "the backup pod must not tolerate the database's taint");
        assert.equal(pod.nodeSelector, undefined);
        assert.equal(pod.serviceAccountName, "questdb-backup");
        assert.equal(pod.automountServiceAccountToken, false);
        assert.deepEqual(pod.securityContext, { runAsNonRoot: true, runAsUser: 65532, runAsGroup: 65532, seccompProfile: { type: "RuntimeDefault" } });
        assert.deepEqual(pod.containers[0].securityContext, { allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ["ALL"] } });
        assert.match(pod.containers[0].image, /^public\.ecr\.aws\/aws-cli\/aws-cli:\d+\.\d+\.\d+$/);
        const env = envOf(json(cronJob.inputs));
        assert.equal(env.VOLUME_ID, volumeIdOf(base, id));
        assert.equal(env.QDB_URL, `http://questdb.qdb-${id}.svc:9000`);
        assert.deepEqual(env.QDB_PASSWORD, { secretKeyRef: { name: "questdb-credentials", key: "http.password" } });
        assert.equal(env.DATABASE, id);
        assert.equal(env.STACK, "prod");
        assert.equal(env.RETAIN_DAYS, String(prod.databases.find((d) => d.id === id)?.backup.retainDays));
        // The script releases a checkpoint a killed run left open only past the Job's own deadline.
        const deadline = json(cronJob.inputs).spec.jobTemplate.spec.activeDeadlineSeconds;
        assert.ok(deadline > 0);
        assert.equal(env.JOB_DEADLINE_SECONDS, String(deadline));
    }
    assert.equal(envOf(json(resource(base, CRON_JOB, "wayne-finance-backup").inputs)).RETAIN_DAYS, "35");
});

test("the job runs the checkpoint script: CREATE, then the snapshot, then RELEASE, released from an EXIT trap", () => {
    const script = fs.readFileSync(path.join(PROJECT_DIR, "scripts", "backup", "snapshot.sh"), "utf8");
    const data = json(resource(base, TYPES.configMap, "acme-analytics-backup-script").inputs).data;
    assert.equal(data["snapshot.sh"], script);
    // The script sources push.sh from its own directory: the ConfigMap must carry it beside the script.
    assert.equal(data["push.sh"], fs.readFileSync(path.join(PROJECT_DIR, "scripts", "backup", "push.sh"), "utf8"));
    assert.equal(data["common.sh"], fs.readFileSync(path.join(PROJECT_DIR, "scripts", "backup", "common.sh"), "utf8"));
    const order = ['\nsql "CHECKPOINT CREATE"', "\nsnapshot_id=$(aws ec2 create-snapshot", "\nwait_point_in_time\n", "\nrelease || "].map((s) => script.indexOf(s));
    assert.ok(order.every((i, n) => i > 0 && (n === 0 || i > order[n - 1])), `out of order: ${order}`);
    assert.match(script, /^trap finish EXIT$/m);
    assert.match(script, /if \[ "\$checkpoint_open" = 1 \]; then\n\s+release/);
});

test("each backup role may snapshot only its own volume, into and out of snapshots tagged as its own", () => {
    // EBS's ARN form, region and account included (IAM matches nothing else), for the adopted
    // legacy-metrics too: its ARN names the imported volume id.
    for (const id of byState("active")) {
        const policy = JSON.parse(String(resource(base, ROLE_POLICY, `${id}-backup-policy`).inputs.policy));
        const sid = (s: string) => policy.Statement.find((st: any) => st.Sid === s);
        assert.equal(sid("SnapshotOwnVolume").Resource, `arn:aws:ec2:us-east-1:123456789012:volume/${volumeIdOf(base, id)}`);
        const own = { "questdb.cloud/database": id, "questdb.cloud/stack": "prod", "questdb.cloud/snapshot": "scheduled" };
        const prefixed = (prefix: string) => Object.fromEntries(Object.entries(own).map(([k, v]) => [`${prefix}/${k}`, v]));
        assert.deepEqual(sid("OnlyTaggedSnapshots").Condition, { StringEquals: prefixed("aws:RequestTag") });
        assert.deepEqual(sid("RetireOwnScheduled"), {
            Sid: "RetireOwnScheduled", Effect: "Allow", Action: "ec2:DeleteSnapshot", Resource: "arn:aws:ec2:us-east-1::snapshot/*",
            Condition: { StringEquals: prefixed("ec2:ResourceTag") },
        });
        // Nothing else: no wildcard write, no other action.
        assert.deepEqual(policy.Statement.map((s: any) => s.Action).sort(), ["ec2:CreateSnapshot", "ec2:CreateSnapshot", "ec2:CreateTags", "ec2:DeleteSnapshot", "ec2:DescribeSnapshots"]);
        const identity = json(resource(base, POD_IDENTITY, `${id}-backup-identity`).inputs);
        assert.deepEqual(identity, {
            clusterName: "qdb-prod-us-east-1", namespace: `qdb-${id}`, serviceAccount: "questdb-backup",
            roleArn: `arn:aws:iam::123456789012:role/${id}-backup-role`, tags: identity.tags,
        });
        assert.deepEqual(json(resource(base, "aws:iam/role:Role", `${id}-backup-role`).inputs).assumeRolePolicy
            && JSON.parse(String(resource(base, "aws:iam/role:Role", `${id}-backup-role`).inputs.assumeRolePolicy)).Statement[0].Principal,
        { Service: "pods.eks.amazonaws.com" });
    }
});

test("the backup pod, and only it, may reach QuestDB's HTTP port, the Pod Identity agent, HTTPS and the Pushgateway", () => {
    const egress = json(resource(base, TYPES.networkPolicy, "acme-analytics-backup-egress").inputs).spec;
    assert.deepEqual(egress.podSelector, { matchLabels: { "app.kubernetes.io/component": "backup" } });
    assert.deepEqual(egress.policyTypes, ["Egress"]);
    const peer = (to: any) => to.namespaceSelector ? `pushgateway in ${to.namespaceSelector.matchLabels["kubernetes.io/metadata.name"]}` : to.podSelector ? "questdb" : to.ipBlock.cidr;
    assert.deepEqual(egress.egress.map((r: any) => [peer(r.to[0]), r.ports[0].port]),
        [["questdb", 9000], ["169.254.170.23/32", 80], ["0.0.0.0/0", 443], ["pushgateway in observability", 9091]]);
    const ingress = json(resource(base, TYPES.networkPolicy, "acme-analytics-backup-ingress").inputs).spec;
    assert.deepEqual(ingress.podSelector, { matchLabels: { "app.kubernetes.io/name": "questdb", "questdb.cloud/database": "acme-analytics" } });
    assert.deepEqual(ingress.ingress, [{ from: [{ podSelector: { matchLabels: { "app.kubernetes.io/component": "backup" } } }], ports: [{ protocol: "TCP", port: 9000 }] }]);
    const podLabels = json(resource(base, CRON_JOB, "acme-analytics-backup").inputs).spec.jobTemplate.spec.template.metadata.labels;
    assert.equal(podLabels["app.kubernetes.io/component"], "backup");
    const questdbLabels = json(resource(base, TYPES.statefulSet, "acme-analytics-questdb").inputs).spec.template.metadata.labels;
    assert.notEqual(questdbLabels["app.kubernetes.io/component"], "backup", "QuestDB itself must not get the backup pod's egress");
});

test("paused and decommissioned databases take no scheduled snapshot; a paused one keeps the rest, as it keeps everything but its pod", () => {
    assert.deepEqual(byState("paused"), ["tyrell-sensors"]);
    assert.deepEqual(byState("decommissioned"), ["oldcorp-archive"]);
    const backupParts = (id: string) => resourcesOfDatabase(base, id).filter((r) => /-backup(-|$)/.test(r.name)).map((r) => r.name).sort();
    assert.deepEqual(backupParts("tyrell-sensors"), [
        "tyrell-sensors-backup-account", "tyrell-sensors-backup-egress", "tyrell-sensors-backup-identity", "tyrell-sensors-backup-ingress",
        "tyrell-sensors-backup-policy", "tyrell-sensors-backup-role", "tyrell-sensors-backup-script",
    ]);
    assert.deepEqual(backupParts("oldcorp-archive"), []);
    assert.equal(base.resources.some((r) => r.type === CRON_JOB && (r.name === "tyrell-sensors-backup" || r.name === "oldcorp-archive-backup")), false);
});

test("a schedule edit changes the CronJob's schedule and the alert thresholds, nothing else", async () => {
    const after = await renderAfter(base, editedProd((dbs) => (entry(dbs, "acme-analytics").backup = { schedule: "cron(0 */6 * * ? *)" })));
    assert.deepEqual(changesBetween(base, after), [
        // The SCHEDULE env var (tagged on snapshots) and the QuestDbBackupStale threshold follow.
        "update kubernetes:batch/v1:CronJob acme-analytics-backup: spec.jobTemplate.spec.template.spec.containers.0.env.6.value, spec.schedule",
        "update kubernetes:monitoring.coreos.com/v1:PrometheusRule acme-analytics-alerts: spec.groups.0.rules.5.annotations.summary, spec.groups.0.rules.5.expr",
    ]);
    assert.equal(json(resource(after, CRON_JOB, "acme-analytics-backup").inputs).spec.schedule, "0 */6 * * *");
    assert.equal(envOf(json(resource(after, CRON_JOB, "acme-analytics-backup").inputs)).SCHEDULE, "cron(0 */6 * * ? *)");
});

test("a schedule a CronJob cannot run is refused before any resource, naming the field and the fix", async () => {
    const bad = editedProd((dbs) => (entry(dbs, "acme-analytics").backup = { schedule: "cron(0/5 * * * ? *)" }));
    await assert.rejects(renderAfter(base, bad),
        /database "acme-analytics": backup\.schedule = "cron\(0\/5 \* \* \* \? \*\)": cannot be scheduled: it runs every 5 minutes; a checkpointed snapshot may run at most hourly\. Fix: set backup\.schedule to a DLM cron expression/);
});

test("a new database restored from a snapshot creates its volume from that snapshot and recovers its checkpoint once", async () => {
    const after = await renderAfter(base, editedProd((dbs) => dbs.push({ id: "acme-restore", availabilityZone: "us-east-1a", restoreFromSnapshot: "snap-0fedcba9876543210" })));
    const changes = changesBetween(base, after);
    // The drill admission policy's list of tenant volumes gains the new one (components/drillAdmission.ts).
    const created = changes.filter((c) => !c.startsWith("update kubernetes:core/v1:ConfigMap questdb-drills-tenant-volumes: data.vol-"));
    assert.equal(changes.length - created.length, 1, changes.join("\n"));
    assert.ok(created.every((c) => c.startsWith("create ") && / acme-restore(-|$)/.test(c)), created.join("\n"));
    assert.equal(resource(after, TYPES.volume, "acme-restore-volume").inputs.snapshotId, "snap-0fedcba9876543210");
    const init = json(resource(after, TYPES.statefulSet, "acme-restore-questdb").inputs).spec.template.spec.initContainers[0].command[2];
    assert.match(init, /if \[ ! -e \/var\/lib\/questdb\/\.questdb-cloud-restore-handled \]; then if \[ -d \/var\/lib\/questdb\/\.checkpoint \]; then touch \/var\/lib\/questdb\/_restore; fi/);
    // A database not restored from a snapshot never gets the trigger.
    const plain = json(resource(after, TYPES.statefulSet, "acme-analytics-questdb").inputs).spec.template.spec.initContainers[0].command[2];
    assert.doesNotMatch(plain, /_restore/);
});

test("changing the snapshot of an existing database is refused: it would replace the volume", async () => {
    const changed = editedProd((dbs) => (entry(dbs, "stark-replay").restoreFromSnapshot = "snap-0aaaaaaaaaaaaaaa1"));
    await assert.rejects(renderAfter(base, changed), /database "stark-replay": restoreFromSnapshot = "snap-0aaaaaaaaaaaaaaa1": a volume is restored from a snapshot only when it is created/);
});

test("no DLM policy is left: scheduled snapshots are the CronJobs' alone", () => {
    assert.deepEqual(base.resources.filter((r) => r.type === TYPES.lifecyclePolicy), []);
    const tags = resource(base, TYPES.volume, "acme-analytics-volume").inputs.tags as Record<string, string>;
    assert.equal(tags["questdb.cloud/backup-policy"], undefined);
});

test("adoption (step import) imports the legacy volume, node group, launch template and DNS record as they are", () => {
    const asIs = { ignoreChanges: ["*"] };
    assert.deepEqual(resource(base, TYPES.volume, "legacy-metrics-volume").options, { protect: true, retainOnDelete: true, import: "vol-0f1e2d3c4b5a69788", ...asIs });
    const nodeGroup = resource(base, TYPES.nodeGroup, "legacy-metrics-node");
    assert.deepEqual(nodeGroup.options, { import: "qdb-prod-us-east-1:qdb-legacy-metrics", ...asIs, deleteBeforeReplace: true });
    assert.equal(nodeGroup.inputs.nodeGroupName, "qdb-legacy-metrics");
    assert.equal(nodeGroup.inputs.nodeGroupNamePrefix, undefined);
    assert.deepEqual(resource(base, TYPES.launchTemplate, "legacy-metrics-node-template").options, { import: "lt-0a9b8c7d6e5f40312", ...asIs });
    assert.deepEqual(resource(base, TYPES.record, "legacy-metrics-dns").options, { import: "Z0PROD123456789ABCDE_legacy-metrics.us-east-1.db.questdb-cloud.example_CNAME", ...asIs });
    assert.equal(resource(base, TYPES.nodeGroup, "acme-analytics-node").options.import, undefined);
});
