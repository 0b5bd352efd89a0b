// Pure helpers of the real-engine tier (e2e/engine, e2e/fakeaws): the parts that decide what a
// scenario compares, tested without building anything.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { QUOTA_TYPE, accessEntryEntry, differingPaths, fakeAwsProvider, ssmParameterEntry, writeWorld } from "../../e2e/fakeaws/provider";
import { engineActions, impactActions } from "../../e2e/engine/steps";
import { ImpactReport } from "../../tools/impact/report";
import { Step } from "../../e2e/engine/stack";

const UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";
const step = (op: string, type: string, name: string): Step => ({ op: op as Step["op"], type, name, urn: `urn:pulumi:dev::p::${type}::${name}` });

describe("fake aws diff", () => {
    it("names the differing leaf paths, and an unknown as a difference", () => {
        assert.deepEqual(differingPaths({ a: 1, b: { c: 2, d: 3 } }, { a: 1, b: { c: 2, d: 4 }, e: 5 }).sort(), ["b.d", "e"]);
        assert.deepEqual(differingPaths({ a: [1, 2] }, { a: [1, 3] }), ["a.1"]);
        assert.deepEqual(differingPaths({ a: "x" }, { a: UNKNOWN }), ["a"]);
        assert.deepEqual(differingPaths({ a: { b: 1 } }, { a: { b: 1 } }), []);
    });

    it("replaces on the impact tool's FORCE_REPLACE paths only", async () => {
        const provider = fakeAwsProvider("/nonexistent/world.json", "0.0.0");
        const urn = "urn:pulumi:dev::questdb-cloud::questdb-cloud:index:QuestDbDeployment$aws:ebs/volume:Volume::a-volume";
        const olds = { fakeawsInputs: { availabilityZone: "eu-west-1a", size: 20 } };
        const grow = await provider.diff!("vol-1", urn, olds, { availabilityZone: "eu-west-1a", size: 40 });
        assert.deepEqual(grow, { changes: true, replaces: [] });
        const move = await provider.diff!("vol-1", urn, olds, { availabilityZone: "eu-west-1b", size: 20 });
        assert.deepEqual(move, { changes: true, replaces: ["availabilityZone"] });
        const same = await provider.diff!("vol-1", urn, olds, { availabilityZone: "eu-west-1a", size: 20 });
        assert.deepEqual(same, { changes: false, replaces: [] });
    });

    it("answers getCluster with the tier's endpoint and CA, and refuses other invokes by name", async () => {
        process.env.QDB_E2E_APISERVER = "https://127.0.0.1:1234";
        process.env.QDB_E2E_CA_DATA = "Q0E=";
        const provider = fakeAwsProvider("/nonexistent/world.json", "0.0.0");
        const answer = await provider.invoke!("aws:eks/getCluster:getCluster", { name: "c" });
        assert.equal(answer.outputs.endpoint, "https://127.0.0.1:1234");
        assert.deepEqual(answer.outputs.certificateAuthorities, [{ data: "Q0E=" }]);
        await assert.rejects(provider.invoke!("aws:ec2/getAmi:getAmi", {}), /aws:ec2\/getAmi:getAmi/);
    });
});

describe("fake aws: the node group quota preflight's invokes", () => {
    const worldFile = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "fakeaws-")), "world.json");
    const group = (cluster: string, name: string) => ({ type: "aws:eks/nodeGroup:NodeGroup", inputs: { clusterName: cluster }, outputs: { nodeGroupName: name } });

    it("lists the node groups of the cluster asked about, and no other's", async () => {
        writeWorld(worldFile, { "c:b": group("c", "b"), "c:a": group("c", "a"), "other:x": group("other", "x") });
        const answer = await fakeAwsProvider(worldFile, "0.0.0").invoke!("aws:eks/getNodeGroups:getNodeGroups", { clusterName: "c" });
        assert.deepEqual(answer.outputs.names, ["a", "b"]);
    });

    it("answers AWS's default quota, a value a test applied in the world, and refuses an unknown quota", async () => {
        const ask = { serviceCode: "eks", quotaCode: "L-6D54EA21" };
        writeWorld(worldFile, {});
        assert.equal((await fakeAwsProvider(worldFile, "0.0.0").invoke!("aws:servicequotas/getServiceQuota:getServiceQuota", ask)).outputs.value, 30);
        writeWorld(worldFile, { "quota:eks/L-6D54EA21": { type: QUOTA_TYPE, inputs: {}, outputs: { value: 4 } } });
        assert.equal((await fakeAwsProvider(worldFile, "0.0.0").invoke!("aws:servicequotas/getServiceQuota:getServiceQuota", ask)).outputs.value, 4);
        await assert.rejects(fakeAwsProvider(worldFile, "0.0.0").invoke!("aws:servicequotas/getServiceQuota:getServiceQuota", { serviceCode: "ec2", quotaCode: "L-1" }), /NoSuchResource/);
    });
});

describe("fake aws: the Karpenter path's invokes", () => {
    const worldFile = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "fakeaws-")), "world.json");
    const role = "arn:aws:iam::111122223333:role/node";

    it("answers a published SSM parameter and refuses an unpublished one as AWS does", async () => {
        writeWorld(worldFile, Object.fromEntries([ssmParameterEntry("/aws/service/x/image_id", "ami-0123")]));
        const provider = fakeAwsProvider(worldFile, "0.0.0");
        assert.equal((await provider.invoke!("aws:ssm/getParameter:getParameter", { name: "/aws/service/x/image_id" })).outputs.value, "ami-0123");
        await assert.rejects(provider.invoke!("aws:ssm/getParameter:getParameter", { name: "/aws/service/y/image_id" }), /ParameterNotFound/);
    });

    it("answers the access entry of the cluster and principal asked about, and no other", async () => {
        writeWorld(worldFile, Object.fromEntries([accessEntryEntry("c", role, "EC2_LINUX")]));
        const provider = fakeAwsProvider(worldFile, "0.0.0");
        assert.equal((await provider.invoke!("aws:eks/getAccessEntry:getAccessEntry", { clusterName: "c", principalArn: role })).outputs.type, "EC2_LINUX");
        await assert.rejects(provider.invoke!("aws:eks/getAccessEntry:getAccessEntry", { clusterName: "other", principalArn: role }), /ResourceNotFoundException/);
    });
});

describe("engine steps as impact actions", () => {
    it("folds a replacement's steps into one replace and leaves bookkeeping out", () => {
        const steps = [
            step("create-replacement", "kubernetes:core/v1:ConfigMap", "a-config"),
            step("replace", "kubernetes:core/v1:ConfigMap", "a-config"),
            step("delete-replaced", "kubernetes:core/v1:ConfigMap", "a-config"),
            step("update", "kubernetes:apps/v1:StatefulSet", "a-questdb"),
            step("read", "pulumi:pulumi:StackReference", "previous-deployment"),
            step("update", "pulumi:pulumi:Stack", "questdb-cloud-dev"),
        ];
        assert.deepEqual(engineActions(steps), [
            "replace kubernetes:core/v1:ConfigMap a-config",
            "update kubernetes:apps/v1:StatefulSet a-questdb",
        ]);
    });

    it("leaves the same bookkeeping out of impact's prediction of a first deployment", () => {
        const resource = (action: string, type: string, name: string) => ({ action, type, name });
        const report = {
            databases: [
                { resources: [resource("create", "pulumi:providers:kubernetes", "cluster"), resource("create", "pulumi:pulumi:StackReference", "previous-deployment")] },
                { resources: [resource("create", "kubernetes:apps/v1:StatefulSet", "a-questdb"), resource("create", "aws:ebs/volume:Volume", "a-volume")] },
            ],
        } as unknown as ImpactReport;
        assert.deepEqual(impactActions(report), [
            "create aws:ebs/volume:Volume a-volume",
            "create kubernetes:apps/v1:StatefulSet a-questdb",
        ]);
    });
});
