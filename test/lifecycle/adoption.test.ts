import assert from "node:assert/strict";
import { before, test } from "node:test";
import * as fs from "node:fs";
import * as path from "node:path";
import { InventoryError, parseStackFile, validateInventory } from "../../inventory";
import { Render } from "../../render";
import { SERVER_DEFAULTED_IMMUTABLE } from "../../components/deployment/adoption";
import { DOWNTIME, computeImpact, formatImpactMarkdown, formatImpactSummary, impactOfRenders } from "../../tools/impact/report";
import { editedProd, entry, renderAfter } from "../support/lifecycle";
import { PROJECT_DIR, TYPES, rawConfigOf, renderShippedStack, renderStackBody, resource, resourcesOfDatabase } from "../support/stacks";

const ID = "legacy-metrics";
const NS = "qdb-legacy-metrics";
/** Every resource the legacy database already has, and its import id. */
const ADOPTED: [string, string, string][] = [
    [TYPES.volume, `${ID}-volume`, "vol-0f1e2d3c4b5a69788"],
    [TYPES.nodeGroup, `${ID}-node`, "qdb-prod-us-east-1:qdb-legacy-metrics"],
    [TYPES.launchTemplate, `${ID}-node-template`, "lt-0a9b8c7d6e5f40312"],
    [TYPES.record, `${ID}-dns`, "Z0PROD123456789ABCDE_legacy-metrics.us-east-1.db.questdb-cloud.example_CNAME"],
    [TYPES.namespace, `${ID}-namespace`, NS],
    [TYPES.configMap, `${ID}-config`, `${NS}/questdb-config`],
    [TYPES.statefulSet, `${ID}-questdb`, `${NS}/questdb`],
    [TYPES.service, `${ID}-service`, `${NS}/questdb`],
    [TYPES.ingress, `${ID}-ingress`, `${NS}/questdb`],
];
const ADOPTED_NAMES = ADOPTED.map(([, name]) => name);

let base: Render;
let withoutLegacy: Render;
let converged: Render;
let heldInstanceType: Render;
before(async () => {
    heldInstanceType = await renderAfter(await renderShippedStack("prod"), editedProd((dbs) => (entry(dbs, ID).instanceType = "m7i.2xlarge")));
    base = await renderShippedStack("prod");
    withoutLegacy = await renderStackBody("prod", editedProd((dbs) => dbs.splice(dbs.findIndex((d) => d.id === ID), 1)));
    converged = await renderAfter(base, editedProd((dbs) => (entry(dbs, ID).adopt.step = "converge")));
});

test("step import: every legacy resource, cloud and Kubernetes, is imported with every input ignored", () => {
    for (const [type, name, id] of ADOPTED) {
        const options = resource(base, type, name).options;
        assert.equal(options.import, id, name);
        assert.deepEqual(options.ignoreChanges, ["*"], name);
    }
});

test("step import: impact shows each legacy resource adopted as it is, and the rest of the database created", () => {
    const impact = impactOfRenders(withoutLegacy, base);
    const legacy = impact.databases.find((d) => d.id === ID);
    assert.ok(legacy);
    const byName = new Map(legacy.resources.map((r) => [r.name, `${r.action} ${r.kind}`]));
    for (const name of ADOPTED_NAMES) {
        assert.equal(byName.get(name), "import adopted", name);
    }
    assert.ok([...byName].filter(([n]) => !ADOPTED_NAMES.includes(n)).every(([, v]) => v === "create created"));
    assert.ok(impact.notes.some((n) => n.startsWith(`Adoption step 1 (${ID})`)));
});

test("step converge: the same inputs now apply; impact shows what each adopted resource may do, and nothing else changes", () => {
    for (const [type, name, id] of ADOPTED) {
        const options = resource(converged, type, name).options;
        assert.equal(options.import, id, name);
        // Only the immutable fields the API server filled in stay as imported (else: a replacement the engine refuses).
        const kept = { [`${ID}-service`]: SERVER_DEFAULTED_IMMUTABLE.service, [`${ID}-questdb`]: SERVER_DEFAULTED_IMMUTABLE.statefulSet }[name];
        assert.deepEqual(options.ignoreChanges, kept === undefined ? undefined : [...kept], name);
    }
    const impact = impactOfRenders(base, converged);
    assert.deepEqual(impact.databases.map((d) => d.id), [ID]);
    const kinds = Object.fromEntries(impact.databases[0].resources.map((r) => [r.name, `${r.action} ${r.kind}`]));
    assert.deepEqual(kinds, {
        [`${ID}-volume`]: "update converge",
        [`${ID}-node`]: "update rolling-node-update",
        [`${ID}-node-template`]: "update rolling-node-update",
        [`${ID}-dns`]: "update converge",
        [`${ID}-namespace`]: "update converge",
        [`${ID}-config`]: "update converge",
        [`${ID}-questdb`]: "update rolling-restart",
        [`${ID}-service`]: "update converge",
        [`${ID}-ingress`]: "update converge",
    });
    assert.ok(impact.notes.some((n) => n.startsWith(`Adoption step 2 (${ID})`)));
    assert.equal(resourcesOfDatabase(converged, ID).length, resourcesOfDatabase(base, ID).length);
});

test("an edit during step import is held until converge: no resource step now, the cost converge will have, and a note (issue 26.2)", () => {
    // The render does change: the node group asks for the new instance type...
    assert.deepEqual(resource(heldInstanceType, TYPES.nodeGroup, `${ID}-node`).inputs.instanceTypes, ["m7i.2xlarge"]);
    assert.notDeepEqual(resource(base, TYPES.nodeGroup, `${ID}-node`).inputs.instanceTypes, ["m7i.2xlarge"]);
    const impact = impactOfRenders(base, heldInstanceType);
    // ...but every input of the imported group is ignored, so the engine takes no step now.
    assert.deepEqual(impact.databases.map((d) => [d.id, d.kind, d.resources.length]), [[ID, "held", 0]]);
    assert.equal(impact.touchedDatabases, 0);
    const held = impact.databases[0].held ?? [];
    assert.deepEqual(held.map((h) => [h.name, h.atConverge, h.kindAtConverge]), [[`${ID}-node`, "replace", "node-replacement"]]);
    assert.match(held[0].reason, /instanceTypes\.0: "m7i\.xlarge" -> "m7i\.2xlarge"/);
    assert.equal(impact.databases[0].downtime, `none now: held until \`adopt.step: converge\` (expected downtime then: ${DOWNTIME["node-replacement"]})`);
    assert.ok(impact.notes.some((n) => n.startsWith(`Held until converge (${ID})`) && n.includes(`${ID}-node`) && n.endsWith(`(expected downtime then: ${DOWNTIME["node-replacement"]}).`)), impact.notes.join("\n"));
    assert.match(formatImpactSummary(impact), /0 database\(s\) touched, 1 held until converge, 11 untouched/);
    assert.match(formatImpactMarkdown(impact), /Held until `adopt.step: converge` \(nothing changes now\)[\s\S]*\| `legacy-metrics-node` \| aws:eks\/nodeGroup:NodeGroup \| replace \| node-replacement \|/);
});

test("the converge step holds nothing: it applies what was held", () => {
    const impact = impactOfRenders(base, converged);
    assert.deepEqual(impact.databases.map((d) => d.held), [undefined]);
    assert.ok(!impact.notes.some((n) => n.startsWith("Held until converge")));
});

test("adopted Kubernetes objects force their apply, so converging takes over the fields `kubectl create` owns; other objects never force", () => {
    const kubernetes = ADOPTED.filter(([type]) => type.startsWith("kubernetes:"));
    for (const render of [base, converged]) {
        for (const [type, name] of kubernetes) {
            const annotations = (resource(render, type, name).inputs.metadata as any).annotations ?? {};
            assert.equal(annotations["pulumi.com/patchForce"], "true", name);
        }
    }
    const forced = base.resources.filter((r) => (r.inputs.metadata as any)?.annotations?.["pulumi.com/patchForce"] !== undefined).map((r) => r.name).sort();
    assert.deepEqual(forced, kubernetes.map(([, name]) => name).sort());
});

test("impact of the converge edit (the stack files, as `npm run impact` reads them) renders it against the import step as deployed", async () => {
    const text = fs.readFileSync(path.join(PROJECT_DIR, "Pulumi.prod.yaml"), "utf8");
    const convergeText = text.replace(/(- id: legacy-metrics[\s\S]*?adopt:\n\s*step: )import/, "$1converge");
    assert.notEqual(convergeText, text);
    const report = await computeImpact(parseStackFile(text, "Pulumi.prod.yaml", "prod"), parseStackFile(convergeText, "Pulumi.prod.yaml", "prod"));
    assert.deepEqual(report.refusals, []);
    assert.deepEqual(report.databases.map((d) => d.id), [ID]);
    assert.equal(report.databases[0].resources.find((r) => r.name === `${ID}-questdb`)?.kind, "rolling-restart");
});

test("converging a database no deployment has imported is refused: it would import and change in one run", async () => {
    const skipped = editedProd((dbs) => (entry(dbs, ID).adopt.step = "converge"));
    const outputs = structuredClone(base.outputs) as { databases: Record<string, unknown> };
    delete outputs.databases[ID];
    await assert.rejects(renderStackBody("prod", skipped, false, outputs),
        /database "legacy-metrics": adopt.step = "converge": no deployment of this stack has imported .*Fix: set adopt.step to import and deploy/);
});

test("an adopt block must say which step it is", () => {
    const body = editedProd((dbs) => delete entry(dbs, ID).adopt.step);
    assert.throws(() => validateInventory(rawConfigOf(body, "prod")), (err: unknown) =>
        err instanceof InventoryError && /adopt.step = \(missing\): this field is required. Fix: set adopt.step to import/.test(err.message));
});
