/** Issue 27.9 and 27.10: the AWS behaviour the docs state is one table (inventory/limits.ts, AWS_FACTS). */
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { test } from "node:test";
import { DOWNTIMES } from "../../inventory/downtimes";
import { AWS_FACTS, ebsModificationLimitText, nodeGroupSurgeText } from "../../inventory/limits";

const root = path.resolve(__dirname, "../..");
const read = (file: string) => fs.readFileSync(path.join(root, file), "utf8");
const DOCS = ["README.md", ...fs.readdirSync(path.join(root, "docs")).filter((f) => f.endsWith(".md")).map((f) => `docs/${f}`)];
const flat = (text: string) => text.replace(/\s+/g, " ");

test("the runbook's volume growth and its AWS limits both state the EBS modification limit of the table", () => {
    const runbook = flat(read("docs/runbook.md"));
    const grow = runbook.split("## Grow a volume")[1].split("## ")[0];
    assert.ok(grow.includes(ebsModificationLimitText()), `"Grow a volume" says: ${grow.slice(0, 600)}`);
    assert.ok(runbook.split("## AWS limits that set the timings")[1].includes(ebsModificationLimitText()));
});

test("no doc still promises the old EBS limit of one modification per 6 hours", () => {
    for (const file of DOCS) {
        const lines = flat(read(file)).split(/(?<=\.) /).filter((s) => /\b(6|six) hours\b/i.test(s) && /modif/i.test(s) && !/older docs said/.test(s));
        assert.deepEqual(lines, [], `${file} states the old EBS modification limit`);
    }
});

test("the node group surge in the runbook and the node group's comment is the table's", () => {
    assert.ok(flat(read("docs/runbook.md")).includes(nodeGroupSurgeText()));
    assert.match(read("components/deployment/dedicatedNode.ts"), new RegExp(`up to ${["zero", "one", "two"][AWS_FACTS.nodeGroupUpdateSurgeNodes]} at once even\\s+// with one AZ`));
});

test("the node-failure downtime covers node auto repair's wait on a NotReady node", () => {
    assert.ok(DOWNTIMES.nodeFailure.maxMinutes >= AWS_FACTS.nodeRepairNotReadyMinutes + DOWNTIMES.start.minMinutes,
        `node failure up to ${DOWNTIMES.nodeFailure.maxMinutes} min cannot hold a ${AWS_FACTS.nodeRepairNotReadyMinutes} min repair wait and a start`);
    assert.ok(DOWNTIMES.nodeFailure.why.includes(`waits ${AWS_FACTS.nodeRepairNotReadyMinutes} minutes`));
});
