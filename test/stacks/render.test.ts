import assert from "node:assert/strict";
import { before, describe, test } from "node:test";
import { AWS_MANAGED_EBS_KEY, onNodeGroup, validateInventory } from "../../inventory";
import { Render, RenderedResource } from "../../render";
import {
    TYPES, rawConfigOf, renderShippedStack, resource, resourcesOfDatabase, resourcesOfType, shippedStackBody, shippedStacks,
} from "../support/stacks";

const LABEL = "questdb.cloud/database";

function spec(r: RenderedResource): Record<string, any> {
    return r.inputs.spec as Record<string, any>;
}

for (const stack of shippedStacks()) {
    for (const preview of [false, true]) {
        describe(`stack ${stack} (preview=${preview})`, () => {
            let render: Render;
            const inventory = validateInventory(rawConfigOf(shippedStackBody(stack), stack));
            before(async () => {
                render = await renderShippedStack(stack, preview);
            });

            test("registers one deployment per database; getCluster, each add-on and the volume key are asked once per stack", () => {
                const ids = resourcesOfType(render, TYPES.deployment).map((r) => r.name).sort();
                assert.deepEqual(ids, inventory.databases.map((d) => d.id).sort());
                assert.deepEqual(render.invokes, {
                    "aws:eks/getCluster:getCluster": 1,
                    // One getAddon per add-on (EBS CSI, VPC CNI, Pod Identity agent), never one per database.
                    "aws:eks/getAddon:getAddon": 3,
                    // The node role's simulation, and the EBS CSI driver role's with a customer-managed key.
                    "aws:iam/getPrincipalPolicySimulation:getPrincipalPolicySimulation": inventory.region.volumeKmsKeyId ? 2 : 1,
                    ...(inventory.region.volumeKmsKeyId ? { "aws:kms/getKey:getKey": 1 } : {}),
                    // The node group quota preflight: the cluster's groups and the quota, once per stack with a node group.
                    ...(inventory.databases.some(onNodeGroup) ? { "aws:eks/getNodeGroups:getNodeGroups": 1, "aws:servicequotas/getServiceQuota:getServiceQuota": 1 } : {}),
                });
                assert.equal(resourcesOfType(render, TYPES.k8sProvider).length, 1);
            });

            test("records each simulation's inputs (the node role's on the cluster; the driver role's on the key), for the IAM checks", () => {
                const simulated = (render.simulations ?? []).map((s) => [s.policySourceArn, s.actionNames, s.resourceArns]);
                assert.deepEqual(simulated[0], [inventory.region.nodeRoleArn, ["eks-auth:AssumeRoleForPodIdentity"], [`arn:aws:eks:us-east-1:123456789012:cluster/${inventory.region.clusterName}`]]);
                assert.equal(simulated.length, inventory.region.volumeKmsKeyId ? 2 : 1);
                if (inventory.region.volumeKmsKeyId) {
                    assert.deepEqual(simulated[1].slice(0, 2), ["arn:aws:iam::123456789012:role/ebs-csi-driver", ["kms:CreateGrant", "kms:Decrypt", "kms:GenerateDataKeyWithoutPlaintext", "kms:ReEncryptFrom", "kms:ReEncryptTo", "kms:DescribeKey"]]);
                    assert.deepEqual(simulated[1][2], [inventory.region.volumeKmsKeyId]);
                }
            });

            for (const database of inventory.databases.filter((d) => d.state === "decommissioned")) {
                const id = database.id;
                test(`${id} (decommissioned): only the unprotected, retained volume and a retained final snapshot remain`, () => {
                    const own = resourcesOfDatabase(render, id).map((r) => r.type).sort();
                    assert.deepEqual(own, [TYPES.volume, TYPES.snapshot, TYPES.deployment].sort());
                    const volume = resource(render, TYPES.volume, `${id}-volume`);
                    assert.deepEqual(volume.options, { protect: false, retainOnDelete: true });
                    assert.equal((volume.inputs.tags as Record<string, string>)["questdb.cloud/backup-policy"], undefined);
                    const snapshot = resource(render, TYPES.snapshot, `${id}-final-snapshot`);
                    assert.deepEqual(snapshot.options, { retainOnDelete: true, customTimeouts: { create: "4h" } });
                    if (!preview) {
                        assert.match(String(snapshot.inputs.volumeId), /^vol-/);
                    }
                });
            }

            for (const database of inventory.databases.filter((d) => d.state !== "decommissioned")) {
                const id = database.id;
                const paused = database.state === "paused";
                test(`${id}: taint, toleration and nodeSelector agree, and name the database`, () => {
                    const nodeGroup = resource(render, TYPES.nodeGroup, `${id}-node`).inputs;
                    assert.deepEqual(nodeGroup.taints, [{ key: LABEL, value: id, effect: "NO_SCHEDULE" }]);
                    assert.deepEqual(nodeGroup.labels, { [LABEL]: id });
                    const pod = spec(resource(render, TYPES.statefulSet, `${id}-questdb`)).template.spec;
                    assert.deepEqual(pod.tolerations, [{ key: LABEL, operator: "Equal", value: id, effect: "NoSchedule" }]);
                    assert.deepEqual(pod.nodeSelector, { [LABEL]: id });
                });

                test(`${id}: node group subnet, volume and PV zone affinity are in one AZ`, () => {
                    const nodeGroup = resource(render, TYPES.nodeGroup, `${id}-node`).inputs;
                    const volume = resource(render, TYPES.volume, `${id}-volume`).inputs;
                    const pv = spec(resource(render, TYPES.persistentVolume, `${id}-pv`));
                    const subnets = inventory.region.subnets;
                    assert.deepEqual(nodeGroup.subnetIds, [subnets[database.availabilityZone]]);
                    assert.equal(volume.availabilityZone, database.availabilityZone);
                    const zone = pv.nodeAffinity.required.nodeSelectorTerms[0].matchExpressions[0];
                    assert.deepEqual(zone, { key: "topology.kubernetes.io/zone", operator: "In", values: [database.availabilityZone] });
                });

                test(`${id}: the data volume is encrypted gp3, protected and retained`, () => {
                    const volume = resource(render, TYPES.volume, `${id}-volume`);
                    assert.equal(volume.inputs.encrypted, true);
                    assert.equal(volume.inputs.type, "gp3");
                    assert.equal(volume.inputs.size, database.volume.sizeGiB);
                    assert.equal(volume.inputs.iops, database.volume.iops);
                    assert.equal(volume.inputs.throughput, database.volume.throughputMiBps);
                    const adopted = database.adopt?.volumeId;
                    const asIs = database.adopt?.step === "import" ? { ignoreChanges: ["*"] } : {};
                    assert.deepEqual(volume.options, { protect: true, retainOnDelete: true, ...(adopted ? { import: adopted, ...asIs } : {}) });
                    assert.equal(volume.inputs.snapshotId, database.restoreFromSnapshot);
                    const pv = spec(resource(render, TYPES.persistentVolume, `${id}-pv`));
                    assert.equal(pv.persistentVolumeReclaimPolicy, "Retain");
                    assert.equal(pv.csi.driver, "ebs.csi.aws.com");
                    if (!preview) {
                        assert.match(pv.csi.volumeHandle, /^vol-/);
                    }
                    assert.deepEqual(pv.claimRef, { namespace: `qdb-${id}`, name: "questdb-data" });
                    const claim = spec(resource(render, TYPES.claim, `${id}-pvc`));
                    assert.equal(claim.volumeName, `qdb-${id}-data`);
                    assert.equal(claim.resources.requests.storage, `${database.volume.sizeGiB}Gi`);
                });

                test(`${id}: the node requires IMDSv2, encrypts its root volume and fits its architecture`, () => {
                    const template = resource(render, TYPES.launchTemplate, `${id}-node-template`).inputs as Record<string, any>;
                    assert.equal(template.metadataOptions.httpTokens, "required");
                    assert.equal(template.blockDeviceMappings[0].ebs.encrypted, "true");
                    const nodeGroup = resource(render, TYPES.nodeGroup, `${id}-node`).inputs as Record<string, any>;
                    assert.deepEqual(nodeGroup.instanceTypes, [database.instanceType]);
                    assert.equal(nodeGroup.releaseVersion, database.nodeImage);
                    assert.equal(nodeGroup.version, database.nodeImage.split(".").slice(0, 2).join("."));
                    assert.deepEqual(nodeGroup.nodeRepairConfig, { enabled: true });
                    const size = paused ? 0 : 1;
                    assert.deepEqual(nodeGroup.scalingConfig, { minSize: size, desiredSize: size, maxSize: 1 });
                    const arm = database.architecture === "arm64";
                    assert.equal(nodeGroup.amiType, arm ? "AL2023_ARM_64_STANDARD" : "AL2023_x86_64_STANDARD");
                });

                test(`${id}: every resource name derives from the id`, () => {
                    const own = resourcesOfDatabase(render, id);
                    assert.ok(own.length >= 13, `only ${own.length} resources for ${id}`);
                    for (const r of own) {
                        assert.ok(r.name === id || r.name.startsWith(`${id}-`), `${r.type} ${r.name} is not named after ${id}`);
                    }
                    const namespaced = own.filter((r) => r.type.startsWith("kubernetes:") && r.type !== TYPES.namespace && r.type !== TYPES.persistentVolume);
                    for (const r of namespaced) {
                        assert.equal((r.inputs.metadata as Record<string, string>).namespace, `qdb-${id}`, `${r.name} is outside its namespace`);
                    }
                });

                test(`${id}: QuestDB runs one replica of the chosen version, from its ConfigMap, with probes on /status`, () => {
                    const set = spec(resource(render, TYPES.statefulSet, `${id}-questdb`));
                    assert.equal(set.replicas, paused ? 0 : 1);
                    const container = set.template.spec.containers[0];
                    assert.equal(container.image, `questdb/questdb:${database.questdbVersion}`);
                    assert.deepEqual(container.readinessProbe.httpGet, { path: "/status", port: 9003 });
                    assert.deepEqual(container.livenessProbe.httpGet, { path: "/status", port: 9003 });
                    const mounts = Object.fromEntries(container.volumeMounts.map((m: any) => [m.mountPath, m.name]));
                    assert.equal(mounts["/var/lib/questdb"], "data");
                    // server.conf reaches conf/ on the data volume through the init container's copy.
                    const [init] = set.template.spec.initContainers;
                    assert.equal(init.image, container.image);
                    // A restored database's first start then also gets QuestDB's _restore trigger (test/lifecycle/backups.test.ts).
                    assert.match(init.command[2], /cp \/etc\/questdb\/server\.conf \/var\/lib\/questdb\/conf\/server\.conf($| && if \[ ! -e )/);
                    const initMounts = Object.fromEntries(init.volumeMounts.map((m: any) => [m.mountPath, m.name]));
                    assert.deepEqual(initMounts, { "/var/lib/questdb": "data", "/etc/questdb": "config" });
                    assert.equal(init.securityContext.readOnlyRootFilesystem, true);
                    const conf = (resource(render, TYPES.configMap, `${id}-config`).inputs.data as Record<string, string>)["server.conf"];
                    for (const [key, value] of Object.entries(database.serverConf)) {
                        assert.ok(conf.includes(`${key}=${value}\n`), `server.conf lacks ${key}`);
                    }
                    assert.match(set.template.metadata.annotations["questdb.cloud/config-checksum"], /^[0-9a-f]{64}$/);
                });

                test(`${id}: credentials are a secret, and reach QuestDB only through secretKeyRef`, () => {
                    const secret = resource(render, TYPES.secret, `${id}-credentials`);
                    assert.equal(secret.inputs.stringData, "[secret]");
                    const env = spec(resource(render, TYPES.statefulSet, `${id}-questdb`)).template.spec.containers[0].env;
                    for (const variable of env) {
                        assert.equal(variable.value, undefined, `${variable.name} has a plain value`);
                        assert.equal(variable.valueFrom.secretKeyRef.name, "questdb-credentials");
                    }
                });

                test(`${id}: named <id>.<dnsSuffix> at the dnsTarget's load balancer, and isolated from other tenants`, () => {
                    const { region } = inventory;
                    const host = `${id}.${region.dnsSuffix}`;
                    const record = resource(render, TYPES.record, `${id}-dns`).inputs;
                    assert.equal(record.name, host);
                    assert.deepEqual(record.records, [region[region.dnsTarget]?.loadBalancerHostname]);
                    const policy = spec(resource(render, TYPES.networkPolicy, `${id}-isolation`));
                    assert.deepEqual(policy.podSelector, {});
                    assert.deepEqual(policy.policyTypes, ["Ingress", "Egress"]);
                    const sources = policy.ingress.flatMap((rule: any) => rule.from.map((f: any) => f.namespaceSelector.matchLabels["kubernetes.io/metadata.name"]));
                    const open = inventory.databases.find((d) => d.id === id)?.access.allowedCidrs.length !== 0;
                    const proxies = [region.ingress?.namespace, open ? region.gateway?.namespace : undefined].filter((n) => n !== undefined);
                    assert.deepEqual(sources.sort(), [...new Set(proxies), region.monitoringNamespace].sort());
                });
            }

            // Computed values are unknown in a first preview; the outputs resolve on `up`.
            test("exports endpoint, volume id, node group name, state and the volume's key per database", { skip: preview && "unknown in a first preview" }, () => {
                const outputs = render.outputs.databases as Record<string, Record<string, string>>;
                assert.deepEqual(Object.keys(outputs).sort(), inventory.databases.map((d) => d.id).sort());
                for (const database of inventory.databases) {
                    const out = outputs[database.id];
                    assert.match(out.volumeId, /^vol-/);
                    assert.equal(out.state, database.state);
                    assert.equal(out.availabilityZone, database.availabilityZone);
                    assert.equal(out.sizeGiB, database.volume.sizeGiB);
                    assert.equal(out.questdbVersion, database.questdbVersion);
                    assert.equal(out.volumeKmsKeyId, inventory.region.volumeKmsKeyId ?? AWS_MANAGED_EBS_KEY);
                    if (database.state === "decommissioned") {
                        assert.equal(out.endpoint, undefined);
                        assert.match(out.finalSnapshotId, /^snap-/);
                        continue;
                    }
                    assert.equal(out.endpoint, `https://${database.id}.${inventory.region.dnsSuffix}`);
                    assert.ok(out.nodeGroupName.startsWith(database.adopt?.nodeGroupName ?? `qdb-${database.id}-`));
                }
            });
        });
    }
}
