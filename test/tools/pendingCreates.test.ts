// tools/pendingCreates.ts and tools/pending/resolve.ts: the state edit that resolves the pending
// creates of a killed `up` (the real CLI and engine run it in e2e/engine/interrupted.e2e.test.ts).
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { describe, it } from "node:test";
import { EXIT_CODES } from "../../tools/exitCodes";
import { lookupCommands, main, parseArgs } from "../../tools/pendingCreates";
import { StateExport, resolvePendingCreates } from "../../tools/pending/resolve";

const urn = (type: string, name: string) => `urn:pulumi:dev::questdb-cloud::questdb-cloud:index:QuestDbDeployment$${type}::${name}`;
const VOLUME = urn("aws:ebs/volume:Volume", "echo-volume");
const TEMPLATE = urn("aws:ec2/launchTemplate:LaunchTemplate", "echo-node-template");
const NAMESPACE = urn("kubernetes:core/v1:Namespace", "echo-namespace");
const ROLE = urn("aws:iam/role:Role", "echo-backup-role");
const TAGS = { "questdb.cloud/stack": "dev", "questdb.cloud/database": "echo", Name: "qdb-echo-data" };

function killedState(): StateExport {
    return {
        version: 3,
        deployment: {
            manifest: { time: "t" },
            resources: [{ urn: "urn:pulumi:dev::questdb-cloud::pulumi:pulumi:Stack::questdb-cloud-dev", type: "pulumi:pulumi:Stack", custom: false }],
            pending_operations: [
                { type: "creating", resource: { urn: VOLUME, type: "aws:ebs/volume:Volume", custom: true, inputs: { size: 20, tags: TAGS }, protect: true } },
                { type: "creating", resource: { urn: TEMPLATE, type: "aws:ec2/launchTemplate:LaunchTemplate", custom: true, inputs: { tags: { ...TAGS, Name: "qdb-echo-node" } } } },
                { type: "creating", resource: { urn: NAMESPACE, type: "kubernetes:core/v1:Namespace", custom: true, inputs: {} } },
                { type: "creating", resource: { urn: ROLE, type: "aws:iam/role:Role", custom: true, inputs: { name: "qdb-dev-echo-backup", tags: TAGS } } },
                { type: "updating", resource: { urn: urn("kubernetes:apps/v1:StatefulSet", "echo-questdb"), type: "kubernetes:apps/v1:StatefulSet", custom: true, id: "qdb-echo/questdb" } },
            ],
        },
    };
}

const findings = (imports: Record<string, string>, absent: string[] = []) => ({ imports: new Map(Object.entries(imports)), absent: new Set(absent) });

describe("resolvePendingCreates", () => {
    it("records an imported AWS create with its id after the existing resources, keeps its protection, and drops every pending create", () => {
        const result = resolvePendingCreates(killedState(), findings({ [VOLUME]: "vol-0123456789abcdef0" }, [TEMPLATE, ROLE]));
        assert.ok(result.ok);
        const resources = result.state.deployment.resources ?? [];
        assert.deepEqual(resources.map((r) => r.urn), [killedState().deployment.resources![0].urn, VOLUME]);
        assert.equal(resources[1].id, "vol-0123456789abcdef0");
        assert.equal(resources[1].protect, true, "a volume stays protected");
        assert.deepEqual(result.state.deployment.pending_operations?.map((p) => p.type), ["updating"], "a refresh clears the rest");
        assert.deepEqual(result.imported, [VOLUME]);
        assert.deepEqual(result.dropped.sort(), [NAMESPACE, ROLE, TEMPLATE].sort());
        assert.deepEqual(result.state.deployment.manifest, { time: "t" }, "the rest of the deployment is kept");
    });

    it("refuses while an AWS pending create has no decision, naming each with its tags; a Kubernetes one needs none", () => {
        const result = resolvePendingCreates(killedState(), findings({ [VOLUME]: "vol-0123456789abcdef0" }, [ROLE]));
        assert.equal(result.ok, false);
        assert.ok(!result.ok && result.problems.length === 1);
        assert.match(!result.ok ? result.problems[0] : "", new RegExp(`^${TEMPLATE.replace(/[$]/g, "\\$")}: AWS may hold it .*"Name":"qdb-echo-node".*--absent '`));
    });

    it("refuses a decision for something that is not pending, and one both imported and absent, listing all at once", () => {
        const result = resolvePendingCreates(killedState(), findings({ [VOLUME]: "vol-1", "urn:other": "x" }, [VOLUME, TEMPLATE, ROLE]));
        assert.ok(!result.ok);
        assert.deepEqual(result.problems.map((p) => p.split(": ")[1]), ["not a pending create of this state", "both imported and absent"]);
    });
});

describe("tools/pendingCreates.ts", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "qdb-pending-"));
    const stateFile = path.join(dir, "state.json");
    fs.writeFileSync(stateFile, JSON.stringify(killedState()));
    const capture = () => {
        let text = "";
        return { stream: { write: (s: string) => (text += s) }, text: () => text };
    };

    it("lists the undecided AWS creates with the tag lookup, writes nothing, and exits 1", () => {
        const [out, err] = [capture(), capture()];
        assert.equal(main(["--stack", "dev", "--state", stateFile], out.stream, err.stream), EXIT_CODES.failed);
        assert.match(err.text(), /3 pending create\(s\) need a decision; nothing was written/);
        // The tagging API lists no IAM roles: a role is looked up by its name.
        assert.deepEqual(lookupCommands(killedState()), [
            "aws resourcegroupstaggingapi get-resources --tag-filters Key=questdb.cloud/stack,Values=dev Key=questdb.cloud/database,Values=echo --query 'ResourceTagMappingList[].ResourceARN'",
            "aws iam get-role --role-name qdb-dev-echo-backup --query Role.RoleName --output text",
        ]);
        lookupCommands(killedState()).forEach((c) => assert.ok(err.text().includes(c), c));
        assert.equal(fs.existsSync(`${stateFile}.resolved.json`), false);
    });

    it("with a decision for each, writes the edited state and prints the two commands that load it", () => {
        const [out, err] = [capture(), capture()];
        const outFile = path.join(dir, "resolved.json");
        const code = main(["--stack", "dev", "--state", stateFile, "--import", `${VOLUME}=vol-0123456789abcdef0`, "--absent", TEMPLATE, "--absent", ROLE, "--out", outFile], out.stream, err.stream);
        assert.equal(code, EXIT_CODES.ok, err.text());
        assert.equal((JSON.parse(fs.readFileSync(outFile, "utf8")) as StateExport).deployment.resources?.length, 2);
        assert.match(out.text(), new RegExp(`\\n  pulumi stack import --stack dev --file ${outFile}\\n  pulumi refresh --yes --stack dev\\n$`));
    });

    it("--check writes nothing: exit 1 while an AWS create is pending, 0 when only Kubernetes ones are", () => {
        const err = capture();
        assert.equal(main(["--stack", "dev", "--state", stateFile, "--check"], capture().stream, err.stream), EXIT_CODES.failed);
        assert.match(err.text(), /no update may run until they are decided/);
        const k8sOnly = path.join(dir, "k8s-only.json");
        const state = killedState();
        fs.writeFileSync(k8sOnly, JSON.stringify({ ...state, deployment: { ...state.deployment, pending_operations: state.deployment.pending_operations!.filter((p) => !p.resource.type.startsWith("aws:")) } }));
        const out = capture();
        assert.equal(main(["--stack", "dev", "--state", k8sOnly, "--check"], out.stream, capture().stream), EXIT_CODES.ok);
        assert.match(out.text(), /no AWS create is pending/);
        assert.deepEqual(fs.readdirSync(dir).filter((f) => f.endsWith(".json.resolved.json")), [], "nothing written");
        assert.equal(parseArgs(["--stack", "dev", "--state", stateFile, "--check", "--out", "x.json"]), undefined, "--check takes no decisions");
    });

    it("says a refresh is all that is needed when nothing is being created", () => {
        const none = path.join(dir, "none.json");
        fs.writeFileSync(none, JSON.stringify({ version: 3, deployment: { resources: [] } }));
        const out = capture();
        assert.equal(main(["--stack", "dev", "--state", none], out.stream, capture().stream), EXIT_CODES.ok);
        assert.match(out.text(), /no pending creates\. Then run:\n {2}pulumi refresh --yes --stack dev\n/);
        const checked = capture();
        assert.equal(main(["--stack", "dev", "--state", none, "--check"], checked.stream, capture().stream), EXIT_CODES.ok);
        assert.equal(checked.text(), `stack "dev": no create is pending\n`, "CI's check prints no recovery step when there is nothing to recover");
    });

    it("refuses a wrong command line and a missing file with the command that writes it", () => {
        assert.equal(parseArgs(["--stack", "dev", "--state", stateFile, "--import", "no-id"]), undefined);
        assert.equal(parseArgs(["--state", stateFile]), undefined);
        const err = capture();
        assert.equal(main(["--stack", "dev", "--state", path.join(dir, "missing.json")], capture().stream, err.stream), EXIT_CODES.config);
        assert.match(err.text(), /write it with: pulumi stack export --stack dev --file .*missing\.json/);
    });
});
