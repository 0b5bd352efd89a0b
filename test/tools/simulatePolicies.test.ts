// tools/simulatePolicies.ts: the simulations the drift workflow asks AWS for (one per deployed role
// and authorization of components/scriptAwsCalls.ts), what an answer means, and the tool's exit
// code and message with a fake `aws` on PATH that denies one action.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { before, describe, it } from "node:test";
import { Inventory, parseStackOutputs, validateInventory } from "../../inventory";
import { drilledDatabases } from "../../components/restoreDrills";
import { SCRIPT_AWS_CALLS } from "../../components/scriptAwsCalls";
import { Render } from "../../render";
import { actionsNotAllowed } from "../../e2e/aws/policyActions";
import { PROJECT_DIR, rawConfigOf, renderShippedStack, resource, shippedStackBody } from "../support/stacks";
import { SimulationRequest, simulateArgv, simulationRequests } from "../../tools/simulate/requests";
import { answerProblems, decisionsOf } from "../../tools/simulate/decisions";
import { runSimulations } from "../../tools/simulate/run";
import { formatProblem } from "../../inventory";

const STACK = "prod";
const ID = "wayne-finance";
let render: Render;
let inventory: Inventory;
let requests: SimulationRequest[];

before(async () => {
    render = await renderShippedStack(STACK);
    inventory = validateInventory(rawConfigOf(shippedStackBody(STACK), STACK));
    const built = simulationRequests(inventory, parseStackOutputs(render.outputs, STACK));
    assert.deepEqual(built.problems, []);
    requests = built.requests;
});

const find = (database: string, role: string, action: string) => requests.find((r) => r.database === database && r.role === role && r.action === action)!;
const contextOf = (r: SimulationRequest) => Object.fromEntries(r.context.map((c) => [c.key, c.type === "string" ? c.values[0] : [...c.values]]));
const policyOf = (name: string) => (resource(render, "aws:iam/rolePolicy:RolePolicy", name).inputs as { policy: string }).policy;

describe("the simulations of a stack", () => {
    it("one per backup role and authorization of snapshot.sh, and per drilled database one per authorization of drill.sh, on the role the outputs name", () => {
        const authorizations = (script: keyof typeof SCRIPT_AWS_CALLS) => SCRIPT_AWS_CALLS[script].flatMap((c) => [c.action, ...c.implied.map((i) => i.action)]);
        const running = inventory.databases.filter((d) => d.state !== "decommissioned");
        const drilled = drilledDatabases(inventory.databases);
        assert.ok(drilled.some((d) => d.id === ID));
        assert.equal(requests.length, running.length * authorizations("snapshot.sh").length + drilled.length * authorizations("drill.sh").length);
        for (const d of running) {
            const backup = requests.filter((r) => r.database === d.id && r.role === "backup");
            assert.deepEqual(backup.map((r) => r.action), authorizations("snapshot.sh"));
            assert.ok(backup.every((r) => r.roleArn === `arn:aws:iam::123456789012:role/${d.id}-backup-role` && r.script === "snapshot.sh"));
        }
        assert.ok(requests.filter((r) => r.role === "drill").every((r) => r.roleArn === "arn:aws:iam::123456789012:role/questdb-drills-aws-role"));
        // No decommissioned database has a role left to simulate.
        assert.ok(requests.every((r) => inventory.databases.find((d) => d.id === r.database)!.state !== "decommissioned"));
    });

    it("snapshot.sh's CreateSnapshot: the database's own volume (its output id, the role's account) and a new snapshot, with the tags the script writes", () => {
        const volumeId = parseStackOutputs(render.outputs, STACK).databases[ID].volumeId!;
        const create = find(ID, "backup", "ec2:CreateSnapshot");
        assert.deepEqual(create.resourceArns, [`arn:aws:ec2:us-east-1:123456789012:volume/${volumeId}`, "arn:aws:ec2:us-east-1::snapshot/*"]);
        const schedule = inventory.databases.find((d) => d.id === ID)!.backup.schedule;
        assert.deepEqual(contextOf(create), {
            "aws:RequestTag/questdb.cloud/database": ID, "aws:RequestTag/questdb.cloud/stack": STACK, "aws:RequestTag/questdb.cloud/schedule": schedule,
            "aws:RequestTag/questdb.cloud/snapshot": "scheduled", "aws:RequestTag/managed-by": "questdb-cloud-backup", "aws:RequestTag/Name": `qdb-${ID}-data-scheduled`,
            "aws:TagKeys": ["questdb.cloud/database", "questdb.cloud/stack", "questdb.cloud/schedule", "questdb.cloud/snapshot", "managed-by", "Name"],
        });
        const tag = requests.find((r) => r.database === ID && r.role === "backup" && r.action === "ec2:CreateTags")!;
        assert.equal(contextOf(tag)["ec2:CreateAction"], "CreateSnapshot");
        assert.deepEqual(find(ID, "backup", "ec2:DescribeSnapshots").resourceArns, ["*"]);
        const remove = find(ID, "backup", "ec2:DeleteSnapshot");
        assert.equal(contextOf(remove)["ec2:ResourceTag/questdb.cloud/database"], ID);
        assert.equal(contextOf(remove)["aws:ResourceTag/questdb.cloud/snapshot"], "scheduled");
    });

    it("drill.sh's CreateVolume: the database's snapshot (its tags) and a new volume (the run's tags); DeleteVolume on a volume tagged with the run", () => {
        const create = find(ID, "drill", "ec2:CreateVolume");
        assert.deepEqual(create.resourceArns, ["arn:aws:ec2:us-east-1::snapshot/*", "arn:aws:ec2:us-east-1:123456789012:volume/*"]);
        const context = contextOf(create);
        assert.equal(context["ec2:ResourceTag/questdb.cloud/stack"], STACK);
        assert.equal(context["aws:RequestTag/questdb.cloud/drill"], "20260101000000");
        assert.deepEqual(context["aws:TagKeys"], ["questdb.cloud/drill", "questdb.cloud/database", "questdb.cloud/stack", "Name"]);
        assert.equal(contextOf(requests.find((r) => r.database === ID && r.role === "drill" && r.action === "ec2:CreateTags")!)["ec2:CreateAction"], "CreateVolume");
        assert.equal(contextOf(find(ID, "drill", "ec2:DeleteVolume"))["ec2:ResourceTag/questdb.cloud/drill"], "20260101000000");
    });

    it("every simulated action is one the rendered role policy's Allow statements name (the simulator then judges Resource and Condition)", () => {
        for (const [role, policy] of [["backup", `${ID}-backup-policy`], ["drill", "questdb-drills-aws-policy"]] as const) {
            assert.deepEqual(actionsNotAllowed(requests.filter((r) => r.database === ID && r.role === role).map((r) => r.action), policyOf(policy)), [], policy);
        }
    });

    it("the argv: an array, the context as JSON (a schedule tag holds characters the CLI's shorthand splits on), no shell", () => {
        const create = find(ID, "backup", "ec2:CreateSnapshot");
        const argv = simulateArgv(create);
        assert.deepEqual(argv.slice(0, 8), ["iam", "simulate-principal-policy", "--policy-source-arn", create.roleArn, "--action-names", "ec2:CreateSnapshot", "--resource-arns", create.resourceArns[0]]);
        const context = JSON.parse(argv[argv.indexOf("--context-entries") + 1]) as { ContextKeyName: string; ContextKeyValues: string[]; ContextKeyType: string }[];
        assert.deepEqual(context.find((c) => c.ContextKeyName === "aws:TagKeys")?.ContextKeyType, "stringList");
        assert.deepEqual(argv.slice(-2), ["--output", "json"]);
        assert.equal(simulateArgv(find(ID, "backup", "ec2:DescribeSnapshots")).includes("--context-entries"), false);
    });

    it("a database whose outputs name no role (deployed before they were exported) is a problem naming the output and the fix, never a guess", () => {
        const outputs = parseStackOutputs(render.outputs, STACK);
        const { [ID]: wayne, ...others } = outputs.databases;
        const { backupRoleArn: _gone, ...rest } = wayne;
        const built = simulationRequests(inventory, { ...outputs, databases: { ...others, [ID]: { ...rest, drillRoleArn: "not-an-arn" } } });
        const lines = built.problems.map((p) => formatProblem(STACK, p));
        assert.equal(lines.length, 2);
        assert.match(lines[0], /^stack "prod", database "wayne-finance": stack output databases\.wayne-finance\.backupRoleArn = \(missing\): names no backup role.*Fix: deploy this program's version once \(`pulumi up --stack prod`\)/);
        assert.match(lines[1], /databases\.wayne-finance\.drillRoleArn = "not-an-arn": is not an IAM role ARN/);
        assert.equal(built.requests.some((r) => r.database === ID), false);
    });
});

describe("what an answer means", () => {
    const request = (): SimulationRequest => find(ID, "backup", "ec2:CreateSnapshot");

    it("today's answer: one result per action, each resource's decision in ResourceSpecificResults; every resource must be allowed", () => {
        const answer = { EvaluationResults: [{
            EvalActionName: "ec2:CreateSnapshot", EvalResourceName: "*", EvalDecision: "implicitDeny",
            ResourceSpecificResults: [
                { EvalResourceName: request().resourceArns[0], EvalResourceDecision: "allowed" },
                { EvalResourceName: request().resourceArns[1], EvalResourceDecision: "implicitDeny", MissingContextValues: ["aws:RequestTag/owner"] },
            ],
        }] };
        // The denied resource is named, not the aggregate "*" above it.
        assert.deepEqual(decisionsOf(answer)!.map((d) => d.decision), ["allowed", "implicitDeny"]);
        const lines = answerProblems(request(), answer).map((p) => formatProblem(STACK, p));
        assert.deepEqual(lines.length, 1);
        assert.match(lines[0], /^stack "prod", database "wayne-finance": backup role arn:aws:iam::123456789012:role\/wayne-finance-backup-role: ec2:CreateSnapshot \(snapshot\.sh ec2:CreateSnapshot\) on arn:aws:ec2:us-east-1::snapshot\/\* = "implicitDeny": AWS's policy simulator does not allow it; the policies read context keys the request did not carry: aws:RequestTag\/owner\. Fix: .*pulumi up --stack prod.*backupPolicyDocument/);
    });

    it("a top-level denial with every resource allowed (an SCP, a boundary) is still a problem", () => {
        const answer = { EvaluationResults: [{ EvalActionName: "ec2:CreateSnapshot", EvalResourceName: "*", EvalDecision: "explicitDeny",
            ResourceSpecificResults: request().resourceArns.map((arn) => ({ EvalResourceName: arn, EvalResourceDecision: "allowed" })) }] };
        assert.match(formatProblem(STACK, answerProblems(request(), answer)[0]), /ec2:CreateSnapshot \(snapshot\.sh ec2:CreateSnapshot\) on \* = "explicitDeny"/);
    });

    it("the older answer, one result per resource; all allowed is no problem; an answer without the action is one", () => {
        const perResource = { EvaluationResults: request().resourceArns.map((arn) => ({ EvalActionName: "ec2:CreateSnapshot", EvalResourceName: arn, EvalDecision: "allowed" })) };
        assert.deepEqual(answerProblems(request(), perResource), []);
        assert.match(formatProblem(STACK, answerProblems(request(), { EvaluationResults: [] })[0]), /has no EvaluationResults for this action/);
        assert.match(formatProblem(STACK, answerProblems(request(), "garbage")[0]), /= "garbage": the simulator's answer has no EvaluationResults/);
    });

    it("a simulation the preview role may not run names the permission it lacks", async () => {
        const problems = await runSimulations([request()], async () => {
            throw new Error("An error occurred (AccessDenied) when calling the SimulatePrincipalPolicy operation: User is not authorized to perform: iam:SimulatePrincipalPolicy");
        });
        assert.match(formatProblem(STACK, problems[0]), /the simulation itself failed\. Fix: give the role that runs the drift check iam:SimulatePrincipalPolicy on arn:aws:iam::123456789012:role\/wayne-finance-backup-role/);
    });

    it("a CLI that cannot run at all is one problem, not one per request; a denial of one role's simulation does not stop the others", async () => {
        let calls = 0;
        const missing = await runSimulations(requests, async () => {
            calls++;
            throw new Error("spawn aws ENOENT");
        });
        assert.equal(calls, 1);
        assert.equal(missing.length, 1);
        assert.match(formatProblem(STACK, missing[0]), new RegExp(`"spawn aws ENOENT": the simulation itself failed; the other ${requests.length - 1} simulations were not run\\. Fix: check that \`aws\``));
        const denied = await runSimulations(requests.slice(0, 3), async () => {
            throw new Error("AccessDenied");
        });
        assert.equal(denied.length, 3);
    });
});

describe("the tool with a fake `aws` on PATH", () => {
    it("exits 1 naming stack, database, role, action and decision for each denied simulation, all at once; 0 when all are allowed", () => {
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "qdb-simulate-"));
        const outputs = path.join(dir, "outputs.json");
        fs.writeFileSync(outputs, JSON.stringify(render.outputs));
        const argvLog = path.join(dir, "argv.log");
        // Answers as the simulator does: allowed, except DeleteSnapshot when DENY is set. Logs each argv, one argument a line.
        fs.writeFileSync(path.join(dir, "aws"), `#!/bin/sh
for a in "$@"; do printf '%s\\n' "$a" >> "${argvLog}"; done; echo --- >> "${argvLog}"
action=""; prev=""
for a in "$@"; do [ "$prev" = "--action-names" ] && action="$a"; prev="$a"; done
decision=allowed
[ -n "$DENY" ] && [ "$action" = "$DENY" ] && decision=implicitDeny
printf '{"EvaluationResults":[{"EvalActionName":"%s","EvalResourceName":"*","EvalDecision":"%s","MatchedStatements":[],"MissingContextValues":[]}]}\\n' "$action" "$decision"
`, { mode: 0o755 });
        const run = (deny: string) => spawnSync(process.execPath, ["--import", "tsx", path.join(PROJECT_DIR, "tools", "simulatePolicies.ts"), "--stack", STACK, "--outputs", outputs, "--project-dir", PROJECT_DIR], {
            cwd: PROJECT_DIR, encoding: "utf8", env: { ...process.env, PATH: `${dir}:${process.env.PATH}`, DENY: deny },
        });

        const denied = run("ec2:DeleteSnapshot");
        assert.equal(denied.status, 1, denied.stderr);
        const running = inventory.databases.filter((d) => d.state !== "decommissioned");
        const lines = denied.stderr.trim().split("\n");
        assert.equal(lines[0], `Stack "prod": ${running.length} problems in ${requests.length} simulations of the backup and drill roles by AWS's policy simulator:`);
        assert.equal(lines.length, 1 + running.length);
        assert.match(lines[1], /^ {2}- stack "prod", database "[a-z0-9-]+": backup role arn:aws:iam::123456789012:role\/[a-z0-9-]+-backup-role: ec2:DeleteSnapshot \(snapshot\.sh ec2:DeleteSnapshot\) on \* = "implicitDeny": AWS's policy simulator does not allow it\. Fix: /);
        assert.ok(lines.some((l) => l.includes(`database "${ID}": backup role`)));
        // Every request went out as an argv array: the JSON context is one argument.
        const first = fs.readFileSync(argvLog, "utf8").split("---\n")[0].trim().split("\n");
        assert.deepEqual(first.slice(0, 2), ["iam", "simulate-principal-policy"]);
        assert.ok(first.some((a) => a.startsWith('[{"ContextKeyName":')), first.join(" "));

        fs.rmSync(argvLog);
        const allowed = run("");
        assert.equal(allowed.status, 0, allowed.stderr);
        assert.equal(allowed.stdout.trim(), `stack "prod": ${requests.length} simulations of the backup and drill roles, every AWS call of snapshot.sh and drill.sh allowed`);
        assert.equal(fs.readFileSync(argvLog, "utf8").split("---\n").length - 1, requests.length);
    });

    it("a wrong command line or an outputs file that is not JSON exits 2 with the fix", () => {
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "qdb-simulate-"));
        fs.writeFileSync(path.join(dir, "bad.json"), "{ nope");
        const tool = (args: string[]) => spawnSync(process.execPath, ["--import", "tsx", path.join(PROJECT_DIR, "tools", "simulatePolicies.ts"), ...args], { cwd: PROJECT_DIR, encoding: "utf8" });
        assert.equal(tool(["--stack", STACK]).status, 2);
        const junk = tool(["--stack", STACK, "--outputs", path.join(dir, "bad.json"), "--project-dir", PROJECT_DIR]);
        assert.equal(junk.status, 2);
        assert.match(junk.stderr, /bad\.json: not JSON; it must be what `pulumi stack output --json --show-secrets --stack prod` prints/);
    });
});
