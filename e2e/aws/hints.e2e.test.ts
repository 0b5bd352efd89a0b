/**
 * Issue 26.3: the AWS CLI commands that qdb and the program's preflight print run as printed.
 * Where moto implements the call (KMS, IAM), Debian's AWS CLI runs the command against it and
 * the test checks the effect the fix promises. EKS add-ons, EKS access entries and EKS service
 * quotas are not in moto, so for those the CLI only proves it accepts every word: the call is
 * built and sent (moto answers it with an error), with no usage or parameter error. That check
 * uses AWS CLI v1 from PyPI as well, whose service models are current; Debian's 2.9.19 predates
 * access entries (docs/testing.md, "AWS checks").
 */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { after, before, describe, it } from "node:test";
import { parseDocument } from "yaml";
import { RegionSpec, validateInventory } from "../../inventory";
import { unpublishedImageProblem } from "../../stacks/karpenter";
import { karpenterPreflightProblems } from "../../stacks/karpenterPreflight";
import { nodeGroupQuotaProblems } from "../../stacks/nodeGroupQuota";
import { PreflightAnswers, driverKeyPolicy, preflightProblems } from "../../stacks/preflight";
import { tempProject } from "../../test/qdb/helpers";
import { suggestedCommands } from "../../test/qdb/shellWords";
import { Spawned, spawnQdb } from "../../test/qdb/spawn";
import { editedProd } from "../../test/support/lifecycle";
import { rawConfigOf, shippedStackBody } from "../../test/support/stacks";
import { EXIT_CODES } from "../../tools/exitCodes";
import { RunningMoto, awsCliShim, startMoto } from "./moto";
import { awsCommandsIn } from "./printedCommands";
import { ensurePythonTools } from "./venv";

const prod = validateInventory(rawConfigOf(shippedStackBody("prod"), "prod"));
const karpenter = validateInventory(rawConfigOf(editedProd((_dbs, region) => {
    region.nodeProvisioner = "karpenter";
}), "prod"));

/** Every answer the preflight can refuse, at once: every fix it can print. */
const refusing: PreflightAnswers = {
    ebsCsi: { ok: { addonVersion: "v1.37.0-eksbuild.1" } },
    vpcCni: { ok: { configurationValues: "{}" } },
    podIdentityAgent: { error: "ResourceNotFoundException: No addon: eks-pod-identity-agent" },
    nodeRole: { ok: { denied: ["eks-auth:AssumeRoleForPodIdentity"] } },
    driverKey: { role: "arn:aws:iam::444455556666:role/qdb-ebs-csi-driver", simulation: { ok: { denied: ["kms:CreateGrant"] } } },
    kmsKey: { ok: { keyState: "Enabled", keyUsage: "ENCRYPT_DECRYPT", keySpec: "SYMMETRIC_DEFAULT" } },
};

/** The program's fixes that print AWS CLI commands, each refusal with its own commands. */
function programFixes(region: RegionSpec): string[] {
    return [
        ...preflightProblems(region, refusing),
        ...preflightProblems(region, { ...refusing, ebsCsi: { error: "ResourceNotFoundException" }, vpcCni: { error: "ResourceNotFoundException" } }),
        ...preflightProblems(region, { ...refusing, driverKey: {} }),
        ...karpenterPreflightProblems(karpenter, { error: "ResourceNotFoundException" }, ""),
        ...karpenterPreflightProblems(karpenter, { ok: { type: "STANDARD" } }, "sg-0123456789abcdef0"),
        unpublishedImageProblem(karpenter, { nodeImage: "1.31.3-20250103", architecture: "x86_64" }, "ParameterNotFound"),
        ...nodeGroupQuotaProblems(prod, {}, { nodeGroups: { ok: { names: [] } }, quota: { error: "AccessDeniedException" } }),
        ...nodeGroupQuotaProblems(prod, {}, { nodeGroups: { ok: { names: [] } }, quota: { ok: { value: 1 } } }),
    ].map((p) => p.fix);
}

/** An `aws` call that the CLI built and sent: it got an answer (an error from moto is one). */
const SENT = /^$|An error occurred \([^)]*\) when calling the \w+ operation/;
/** How each CLI says it would not build the call. */
const REFUSED_WORDS = /usage:|aws: error:|Unknown options|Invalid choice|Parameter validation failed|invalid .* value/i;

describe("AWS commands the tools print run as printed (issue 26.3)", { timeout: 10 * 60_000 }, () => {
    let moto: RunningMoto;
    let v1Path: string;

    before(async () => {
        moto = await startMoto("us-east-1", { MOTO_IAM_LOAD_MANAGED_POLICIES: "true" });
        v1Path = `${awsCliShim(fs.mkdtempSync(path.join(moto.logDir, "v1-")), moto.url, path.join(await ensurePythonTools(), "aws"))}:${process.env.PATH}`;
    });

    after(async () => {
        await moto?.stop();
    });

    /** A printed command as a shell runs it, with `aws` pointed at moto (Debian's CLI unless `path` says otherwise). */
    function shell(command: string, cwd = moto.logDir, pathVar?: string): Spawned {
        const env = { ...process.env, ...moto.env, ...(pathVar ? { PATH: pathVar } : {}) };
        const r = spawnSync("bash", ["-c", command], { cwd, env, encoding: "utf8", timeout: 60_000 });
        return { code: r.status, out: r.stdout, err: r.stderr };
    }

    it("qdb validate's fix for a KMS alias: the printed describe-key prints the key ARN, and that ARN validates", () => {
        const key = JSON.parse(shell("aws kms create-key --region eu-central-1").out).KeyMetadata;
        assert.equal(shell(`aws kms create-alias --alias-name alias/qdb-volumes --target-key-id ${key.KeyId} --region eu-central-1`).code, 0);
        const dir = tempProject("fleet");
        const file = path.join(dir, "Pulumi.fleet.yaml");
        const setKey = (value: string) => {
            const doc = parseDocument(fs.readFileSync(file, "utf8"));
            doc.setIn(["config", "questdb-cloud:region", "volumeKmsKeyId"], value);
            fs.writeFileSync(file, doc.toString());
        };
        setKey("arn:aws:kms:eu-central-1:123456789012:alias/qdb-volumes");
        const refused = spawnQdb(dir, ["validate", "--stack", "fleet"]);
        assert.equal(refused.code, EXIT_CODES.config, refused.err);
        const [describe] = suggestedCommands(refused.err).filter((c) => c.startsWith("aws "));
        assert.equal(describe, "aws kms describe-key --key-id alias/qdb-volumes --region eu-central-1 --query KeyMetadata.Arn --output text");
        const printed = shell(describe);
        assert.equal(printed.code, 0, printed.err);
        assert.equal(printed.out.trim(), key.Arn, "the alias resolves to the key's ARN");
        setKey(printed.out.trim());
        const valid = spawnQdb(dir, ["validate", "--stack", "fleet"]);
        assert.equal(valid.code, EXIT_CODES.ok, valid.err);
    });

    it("the node role's fix attaches AmazonEKSWorkerNodePolicy, which allows what the simulation denied", () => {
        const role = prod.region.nodeRoleArn.split("/").pop() as string;
        assert.equal(shell(`aws iam create-role --role-name ${role} --assume-role-policy-document '{"Version":"2012-10-17","Statement":[]}'`).code, 0);
        const fix = preflightProblems(prod.region, refusing).find((p) => p.field === "nodeRoleArn")?.fix ?? "";
        const [attach] = awsCommandsIn(fix);
        assert.match(attach, /^aws iam attach-role-policy /);
        const ran = shell(attach);
        assert.equal(ran.code, 0, ran.err);
        const attached = JSON.parse(shell(`aws iam list-attached-role-policies --role-name ${role}`).out).AttachedPolicies;
        assert.deepEqual(attached.map((p: { PolicyName: string }) => p.PolicyName), ["AmazonEKSWorkerNodePolicy"]);
        const version = JSON.parse(shell("aws iam get-policy --policy-arn arn:aws:iam::aws:policy/AmazonEKSWorkerNodePolicy --query Policy.DefaultVersionId --output json").out);
        const document = JSON.stringify(JSON.parse(shell(`aws iam get-policy-version --policy-arn arn:aws:iam::aws:policy/AmazonEKSWorkerNodePolicy --version-id ${version}`).out));
        assert.match(document, /eks-auth:AssumeRoleForPodIdentity/, "the managed policy grants the denied action, as the fix says");
    });

    it("the EBS driver role's fix puts the key policy, which IAM accepts as printed", () => {
        const role = "qdb-ebs-csi-driver";
        assert.equal(shell(`aws iam create-role --role-name ${role} --assume-role-policy-document '{"Version":"2012-10-17","Statement":[]}'`).code, 0);
        const fix = preflightProblems(prod.region, refusing).find((p) => p.field.endsWith(" role"))?.fix ?? "";
        const [put] = awsCommandsIn(fix);
        assert.match(put, new RegExp(`^aws iam put-role-policy --role-name ${role} `));
        const ran = shell(put);
        assert.equal(ran.code, 0, ran.err);
        const stored = JSON.parse(shell(`aws iam get-role-policy --role-name ${role} --policy-name questdb-volume-key`).out).PolicyDocument;
        assert.deepEqual(stored, driverKeyPolicy(prod.region.volumeKmsKeyId as string));
    });

    it("every AWS command of the program's fixes is one the AWS CLI builds and sends, as printed", () => {
        const commands = [...new Set(programFixes(prod.region).flatMap(awsCommandsIn))];
        const operations = commands.map((c) => c.split(" ").slice(1, 3).join(" ")).sort();
        assert.deepEqual([...new Set(operations)], [
            "eks create-access-entry", "eks create-addon", "eks delete-access-entry", "eks describe-cluster", "eks update-addon",
            "iam attach-role-policy", "iam put-role-policy", "service-quotas get-service-quota", "service-quotas request-service-quota-increase", "ssm get-parameters-by-path",
        ]);
        // `<driver role>` stands where no role exists yet: the operator names the one they create.
        const runnable = commands.map((c) => c.replace(/<driver role>/g, "arn:aws:iam::444455556666:role/qdb-ebs-csi-driver"));
        for (const command of runnable) {
            const ran = shell(command, undefined, v1Path);
            assert.doesNotMatch(ran.err, REFUSED_WORDS, `AWS CLI v1 would not build: ${command}\n${ran.err}`);
            assert.match(ran.err.trim(), SENT, `AWS CLI v1 did not send: ${command}\n${ran.err}`);
            if (!command.includes("access-entry")) {
                const debian = shell(command);
                assert.doesNotMatch(debian.err, REFUSED_WORDS, `Debian's AWS CLI would not build: ${command}\n${debian.err}`);
            }
        }
    });

    it("tools/pendingCreates.ts's lookups, run as printed, find what AWS holds: the tagged volume by the tagging API, the role by its name", () => {
        const tags = [{ Key: "questdb.cloud/stack", Value: "dev" }, { Key: "questdb.cloud/database", Value: "echo" }, { Key: "Name", Value: "qdb-echo-data" }];
        const volume = JSON.parse(shell(`aws ec2 create-volume --availability-zone us-east-1a --size 20 --tag-specifications '${JSON.stringify({ ResourceType: "volume", Tags: tags })}'`).out) as { VolumeId: string };
        assert.equal(shell("aws iam create-role --role-name qdb-dev-echo-backup --assume-role-policy-document '{\"Version\":\"2012-10-17\",\"Statement\":[]}'").code, 0);
        const urn = (type: string, name: string) => `urn:pulumi:dev::questdb-cloud::questdb-cloud:index:QuestDbDeployment$${type}::${name}`;
        const state = path.join(moto.logDir, "killed-state.json");
        fs.writeFileSync(state, JSON.stringify({ version: 3, deployment: { resources: [], pending_operations: [
            { type: "creating", resource: { urn: urn("aws:ebs/volume:Volume", "echo-volume"), type: "aws:ebs/volume:Volume", custom: true, inputs: { tags: Object.fromEntries(tags.map((t) => [t.Key, t.Value])) } } },
            { type: "creating", resource: { urn: urn("aws:iam/role:Role", "echo-backup-role"), type: "aws:iam/role:Role", custom: true, inputs: { name: "qdb-dev-echo-backup" } } },
        ] } }));
        const tool = spawnSync(process.execPath, ["--import", "tsx", path.join(__dirname, "..", "..", "tools", "pendingCreates.ts"), "--stack", "dev", "--state", state], { encoding: "utf8" });
        assert.equal(tool.status, EXIT_CODES.failed, tool.stderr);
        const lookups = tool.stderr.split("\n").map((l) => l.trim()).filter((l) => l.startsWith("aws "));
        assert.equal(lookups.length, 2, tool.stderr);
        const found = lookups.map((command) => {
            const r = shell(command);
            assert.equal(r.code, 0, `${command}\n${r.err}`);
            return r.out;
        });
        assert.ok(found[0].includes(`volume/${volume.VolumeId}`), `the tagging API lists the volume: ${found[0]}`);
        assert.equal(found[1].trim(), "qdb-dev-echo-backup", "the role by its name");
    });
});
