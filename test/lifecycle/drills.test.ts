import assert from "node:assert/strict";
import * as fs from "fs";
import * as path from "path";
import { before, test } from "node:test";
import { Render } from "../../render";
import { changesBetween, editedProd, entry, renderAfter } from "../support/lifecycle";
import { TYPES, renderShippedStack, resource, resourcesOfType } from "../support/stacks";
import { drillPolicyDocument } from "../../components/restoreDrills";
import { DRILL_PV_RULES, EC2_VOLUME_ID } from "../../components/drillAdmission";

const CRON_JOB = "kubernetes:batch/v1:CronJob";
const json = (value: unknown) => value as any;
let base: Render;
before(async () => {
    base = await renderShippedStack("prod");
});

const drillJobs = (render: Render) => resourcesOfType(render, CRON_JOB).filter((r) => r.parent === "questdb-drills");

test("a database with backup.drill gets a drill CronJob in the drills namespace, with its AZ, version and schedule", () => {
    assert.deepEqual(drillJobs(base).map((r) => r.name), ["questdb-drills-wayne-finance"]);
    const cronJob = json(resource(base, CRON_JOB, "questdb-drills-wayne-finance").inputs);
    assert.deepEqual([cronJob.metadata.name, cronJob.metadata.namespace], ["drill-wayne-finance", "questdb-drills"]);
    assert.equal(cronJob.spec.schedule, "0 5 * * SUN");
    assert.equal(cronJob.spec.concurrencyPolicy, "Forbid");
    const pod = cronJob.spec.jobTemplate.spec.template.spec;
    assert.equal(pod.tolerations, undefined);
    assert.equal(pod.serviceAccountName, "questdb-drill");
    const env = Object.fromEntries(pod.containers[0].env.map((e: any) => [e.name, e.value]));
    assert.deepEqual({ ...env, HOME: undefined }, {
        DATABASE: "wayne-finance", STACK: "prod", AVAILABILITY_ZONE: "us-east-1a", AWS_REGION: "us-east-1",
        QUESTDB_IMAGE: "questdb/questdb:8.2.3", DRILL_NAMESPACE: "questdb-drills", HOME: undefined,
        PUSHGATEWAY_URL: "http://questdb-pushgateway.observability.svc:9091",
    });
    assert.equal(json(resource(base, TYPES.namespace, "questdb-drills-namespace").inputs).metadata.labels["pod-security.kubernetes.io/enforce"], "restricted");
});

test("the drill role creates volumes only from this stack's snapshots, tagged as a drill's, and deletes only drill-tagged volumes", () => {
    const policy = JSON.parse(String(resource(base, "aws:iam/rolePolicy:RolePolicy", "questdb-drills-aws-policy").inputs.policy));
    const sid = (s: string) => policy.Statement.find((st: any) => st.Sid === s);
    assert.deepEqual(sid("FromStackSnapshots").Condition, { StringEquals: { "ec2:ResourceTag/questdb.cloud/stack": "prod" } });
    assert.deepEqual(sid("OnlyDrillVolumes").Condition, { Null: { "aws:RequestTag/questdb.cloud/drill": "false" } });
    assert.deepEqual(sid("DeleteDrillVolumes"), {
        Sid: "DeleteDrillVolumes", Effect: "Allow", Action: "ec2:DeleteVolume", Resource: "arn:aws:ec2:us-east-1:*:volume/*",
        Condition: { Null: { "ec2:ResourceTag/questdb.cloud/drill": "false" } },
    });
    // prod encrypts volumes with its own key: a drill needs it, through EBS only.
    assert.equal(sid("VolumeKeyThroughEbs").Resource, "arn:aws:kms:us-east-1:444455556666:key/0c7e6f3a-1b2c-4d5e-8f90-123456789abc");
    assert.deepEqual(sid("VolumeKeyThroughEbs").Condition, { StringEquals: { "kms:ViaService": "ec2.us-east-1.amazonaws.com" } });
    const rbac = json(resource(base, "kubernetes:rbac.authorization.k8s.io/v1:ClusterRole", "questdb-drills-pv").inputs).rules;
    assert.deepEqual(rbac, [{ apiGroups: [""], resources: ["persistentvolumes"], verbs: ["create", "get", "delete"] }]);
});

test("the drill role's key statement names the volume key and never \"*\", whatever form the key is given in", () => {
    // The inventory refuses anything but a key ARN (inventory/kmsKey.ts); given another form, the
    // document must fail closed (IAM refuses a Resource that is not an ARN) rather than allow the
    // data-key actions on every key of the account that EBS may use (the IAM checks' resource-star).
    for (const volumeKmsKeyId of ["arn:aws:kms:us-east-1:444455556666:key/0c7e6f3a-1b2c-4d5e-8f90-123456789abc", "0c7e6f3a-1b2c-4d5e-8f90-123456789abc"]) {
        const policy = drillPolicyDocument({ awsRegion: "us-east-1", stack: "prod", volumeKmsKeyId }) as { Statement: { Sid: string; Action: string | string[]; Resource: string }[] };
        const key = policy.Statement.find((st) => st.Sid === "VolumeKeyThroughEbs")!;
        assert.equal(key.Resource, volumeKmsKeyId);
        assert.deepEqual(policy.Statement.filter((st) => st.Resource === "*").map((st) => st.Sid), ["ReadState"]);
    }
});

test("the throwaway QuestDB may be reached only by the runner, and may reach nothing but DNS", () => {
    const policy = json(resource(base, TYPES.networkPolicy, "questdb-drills-isolation").inputs).spec;
    assert.deepEqual(policy.podSelector, {});
    assert.deepEqual(policy.ingress, [{ from: [{ podSelector: { matchLabels: { "app.kubernetes.io/component": "drill-runner" } } }], ports: [{ protocol: "TCP", port: 9000 }] }]);
    const runner = json(resource(base, TYPES.networkPolicy, "questdb-drills-runner-egress").inputs).spec;
    assert.deepEqual(runner.podSelector, { matchLabels: { "app.kubernetes.io/component": "drill-runner" } });
});

test("a paused database's drill stops; adding a drill to an active one creates only its CronJob and its two alerts", async () => {
    const after = await renderAfter(base, editedProd((dbs) => {
        entry(dbs, "wayne-finance").state = "paused";
        entry(dbs, "acme-analytics").backup = { drill: { schedule: "cron(0 6 ? * SAT *)" } };
    }));
    assert.deepEqual(drillJobs(after).map((r) => r.name), ["questdb-drills-acme-analytics"]);
    const changes = changesBetween(base, after).filter((c) => c.includes("acme-analytics") || c.includes("drills"));
    assert.deepEqual(changes, [
        "create kubernetes:batch/v1:CronJob questdb-drills-acme-analytics",
        "delete kubernetes:batch/v1:CronJob questdb-drills-wayne-finance",
        "update kubernetes:monitoring.coreos.com/v1:PrometheusRule acme-analytics-alerts: spec.groups.0.rules.10, spec.groups.0.rules.9",
    ]);
});

test("the drill script's ConfigMap carries drill.sh and the push.sh and common.sh it sources from its own directory", () => {
    const scripts = path.join(__dirname, "..", "..", "scripts", "backup");
    const data = json(resource(base, TYPES.configMap, "questdb-drills-script").inputs).data;
    assert.deepEqual(Object.keys(data).sort(), ["common.sh", "drill.sh", "push.sh"]);
    assert.equal(data["common.sh"], fs.readFileSync(path.join(scripts, "common.sh"), "utf8"));
    assert.equal(data["drill.sh"], fs.readFileSync(path.join(scripts, "drill.sh"), "utf8"));
    assert.equal(data["push.sh"], fs.readFileSync(path.join(scripts, "push.sh"), "utf8"));
});

test("the drill PV policy accepts a volume id only as EC2 writes it, so another spelling of a tenant's id cannot slip past the tenant list", () => {
    const canonical = new RegExp(EC2_VOLUME_ID);
    for (const id of ["vol-0123456789abcdef0", "vol-1a2b3c4d"]) {
        assert.ok(canonical.test(id), id);
    }
    for (const id of ["VOL-0123456789ABCDEF0", "vol-0123456789ABCDEF0", "vol-0123456789abcdef01", " vol-0123456789abcdef0", "vol-0123456789abcdef0\n"]) {
        assert.ok(!canonical.test(id), JSON.stringify(id));
    }
    const rule = DRILL_PV_RULES.find((r) => r.expression.includes(".matches("));
    assert.ok(rule?.expression.includes(`matches('${EC2_VOLUME_ID}')`), "the CEL rule uses the same pattern");
});
