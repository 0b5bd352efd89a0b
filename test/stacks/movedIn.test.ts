/**
 * A database moved in from another cell (originStack, docs/decisions.md "Moving a database between
 * cells") renders exactly as its origin rendered it: every AWS tag, the backup job's STACK, its
 * role's conditions, the drill's snapshots and the drift check's simulations name the origin. The
 * control is the same entry rendered in the origin's file.
 */
import { before, describe, it } from "node:test";
import * as assert from "node:assert/strict";
import * as fs from "fs";
import * as path from "path";
import { parse, stringify } from "yaml";
import { parseStackFile, parseStackOutputs, offlineInventoryOf } from "../../inventory";
import { Render, RenderedResource, diffRenders, renderInChild, requestFromStackFile } from "../../render";
import { groupsOf } from "../../tools/impact/group";
import { simulationRequests } from "../../tools/simulate/requests";

const CELLS = path.join(__dirname, "..", "fixtures", "cells");
const body = (stack: string) => parse(fs.readFileSync(path.join(CELLS, `Pulumi.${stack}.yaml`), "utf8"));
const file = (stack: string, value: unknown) => parseStackFile(stringify(value), path.join(CELLS, `Pulumi.${stack}.yaml`), stack);
type Inputs = Record<string, any>;
const inputs = (r: RenderedResource) => r.inputs as Inputs;

/** charlie (active, drilled by eu-cell-b's defaults) as eu-cell-b has it, and as moved to eu-cell-a with its origin. */
const CHARLIE = { id: "charlie", availabilityZone: "eu-west-1a", backup: { drill: { schedule: "cron(0 6 ? * SUN *)" } } };

function withCharlie(stack: string, entry: Record<string, unknown>) {
    const b = body(stack);
    const dbs = (b.config["questdb-cloud:databases"] as Record<string, unknown>[]).filter((d) => d.id !== "charlie");
    b.config["questdb-cloud:databases"] = [...dbs, entry];
    return file(stack, b);
}

describe("a database moved in keeps its origin's name on what it tags", () => {
    let origin: Render;
    let moved: Render;
    let asNew: Render;
    const charlie = (r: Render) => r.resources.filter((res) => groupsOf(r).get(res.name) === "charlie");

    before(async () => {
        [origin, moved, asNew] = await Promise.all([
            renderInChild(requestFromStackFile(withCharlie("eu-cell-b", CHARLIE), false)),
            renderInChild(requestFromStackFile(withCharlie("eu-cell-a", { ...CHARLIE, originStack: "eu-cell-b" }), false)),
            renderInChild(requestFromStackFile(withCharlie("eu-cell-a", CHARLIE), false)),
        ]);
    });

    it("its resources are those of the origin, except the alert rules, which name the stack to act in", () => {
        const changed = diffRenders({ ...origin, resources: charlie(origin) }, { ...moved, resources: charlie(moved) }).map((c) => `${c.kind} ${c.name}`);
        assert.deepEqual(changed, ["update charlie-alerts"]);
    });

    it("the control: without originStack every tag, the launch template, the backup job and its role change", () => {
        const changed = diffRenders({ ...origin, resources: charlie(origin) }, { ...asNew, resources: charlie(asNew) }).map((c) => c.name).sort();
        for (const name of ["charlie-volume", "charlie-node-template", "charlie-node", "charlie-backup", "charlie-backup-policy", "charlie-backup-role"]) {
            assert.ok(changed.includes(name), `${name} in ${changed.join(", ")}`);
        }
    });

    it("the tags, the backup job's STACK and its role name the origin", () => {
        const find = (name: string) => moved.resources.find((r) => r.name === name) as RenderedResource;
        assert.equal(inputs(find("charlie-volume")).tags["questdb.cloud/stack"], "eu-cell-b");
        assert.ok(inputs(find("charlie-node-template")).tagSpecifications.every((t: Inputs) => t.tags["questdb.cloud/stack"] === "eu-cell-b"));
        const env = inputs(find("charlie-backup")).spec.jobTemplate.spec.template.spec.containers[0].env as { name: string; value: string }[];
        assert.equal(env.find((e) => e.name === "STACK")?.value, "eu-cell-b");
        assert.match(inputs(find("charlie-backup-policy")).policy, /"ec2:ResourceTag\/questdb.cloud\/stack":"eu-cell-b"/);
    });

    it("the region's drill role may restore from the origin's snapshots too; the drill runs with the origin's STACK", () => {
        const policy = JSON.parse(inputs(moved.resources.find((r) => r.name === "questdb-drills-aws-policy") as RenderedResource).policy);
        const from = policy.Statement.find((s: Inputs) => s.Sid === "FromStackSnapshots");
        assert.deepEqual(from.Condition.StringEquals["ec2:ResourceTag/questdb.cloud/stack"], ["eu-cell-a", "eu-cell-b"]);
        const own = JSON.parse(inputs(asNew.resources.find((r) => r.name === "questdb-drills-aws-policy") as RenderedResource).policy);
        assert.equal(own.Statement.find((s: Inputs) => s.Sid === "FromStackSnapshots").Condition.StringEquals["ec2:ResourceTag/questdb.cloud/stack"], "eu-cell-a");
        const drill = moved.resources.find((r) => r.type === "kubernetes:batch/v1:CronJob" && inputs(r).metadata.name === "drill-charlie") as RenderedResource;
        const env = inputs(drill).spec.jobTemplate.spec.template.spec.containers[0].env as { name: string; value: string }[];
        assert.equal(env.find((e) => e.name === "STACK")?.value, "eu-cell-b");
    });

    it("the drift check simulates its scripts with the origin's tags", () => {
        const inventory = offlineInventoryOf(withCharlie("eu-cell-a", { ...CHARLIE, originStack: "eu-cell-b" }));
        const { requests } = simulationRequests(inventory, parseStackOutputs(moved.outputs, "eu-cell-a"));
        const tagged = requests.filter((r) => r.database === "charlie" && JSON.stringify(r).includes("questdb.cloud/stack"));
        assert.ok(tagged.length > 0);
        assert.ok(tagged.every((r) => JSON.stringify(r).includes("eu-cell-b") && r.stack === "eu-cell-a"), JSON.stringify(tagged[0]));
    });
});
