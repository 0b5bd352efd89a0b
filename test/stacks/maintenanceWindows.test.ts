/**
 * Issue #24's first "Done when", through the program under mocks: the dev stack deployed with a
 * window on sandbox-a; then a live version edit (refused before any resource), the same change
 * under `pending:` (the deployed version renders), with `maintenanceOverride` (the new version
 * renders), and on sandbox-b, which has no window (the new version renders at once).
 */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { DeployedFacts, deployedFactsOf, validateInventory } from "../../inventory";
import { Render, RenderError } from "../../render";
import { TYPES, databasesOf, rawConfigOf, renderShippedStack, renderStackBody, resource, shippedStackBody } from "../support/stacks";
import { editedProd, entry } from "../support/lifecycle";

type Body = ReturnType<typeof shippedStackBody>;
const WINDOW = "sun 02:00-04:00";

function devWith(edit: (a: Record<string, unknown>, b: Record<string, unknown>) => void): Body {
    const body = shippedStackBody("dev");
    const [a, b] = databasesOf(body);
    a.maintenanceWindow = WINDOW;
    edit(a, b);
    return body;
}

/** The outputs the dev stack, with sandbox-a's window, left behind when it was deployed. */
function deployedOutputs(): Record<string, unknown> {
    const inventory = validateInventory(rawConfigOf(devWith(() => undefined), "dev"));
    const databases: Record<string, DeployedFacts> = Object.fromEntries(inventory.databases.map((d) => [d.id, deployedFactsOf(d, inventory.region)]));
    return { databases, retiredIds: [] };
}

const render = (body: Body): Promise<Render> => renderStackBody("dev", body, false, deployedOutputs());
const imageOf = (r: Render, id: string): string => (resource(r, TYPES.statefulSet, `${id}-questdb`).inputs as any).spec.template.spec.containers[0].image;

describe("maintenance windows in the program", () => {
    test("a live disruptive edit of a database with a window is refused before any resource, naming the window and the fix", async () => {
        await assert.rejects(render(devWith((a) => { a.questdbVersion = "9.4.1"; })), (error: unknown) => {
            assert.ok(error instanceof RenderError && error.configError, String(error));
            assert.match(error.message, /database "sandbox-a": questdbVersion = "9\.4\.1": questdbVersion 9\.3\.4 -> 9\.4\.1 would restart or move the database now, but it has maintenance window "sun 02:00-04:00"/);
            assert.match(error.message, /`npx qdb set --stack dev sandbox-a questdbVersion=9\.4\.1` writes the change under `pending:`.*`npx qdb set --stack dev sandbox-a maintenanceOverride="<reason>"`/);
            return true;
        });
    });

    test("the same change under pending: renders the deployed version and reports itself in the pending output", async () => {
        const r = await render(devWith((a) => { a.pending = { questdbVersion: "9.4.1" }; }));
        assert.equal(imageOf(r, "sandbox-a"), "questdb/questdb:9.3.4");
        assert.deepEqual(r.outputs.pending, {
            "sandbox-a": { maintenanceWindow: WINDOW, changes: { questdbVersion: { live: "9.3.4", pending: "9.4.1" } } },
        });
        assert.equal((r.outputs.databases as Record<string, DeployedFacts>)["sandbox-a"].questdbVersion, "9.3.4");
    });

    test("maintenanceOverride applies it now; a database without a window changes at once", async () => {
        const r = await render(devWith((a, b) => {
            Object.assign(a, { questdbVersion: "9.4.1", maintenanceOverride: "CVE fix, OPS-1" });
            b.questdbVersion = "9.4.1";
        }));
        assert.equal(imageOf(r, "sandbox-a"), "questdb/questdb:9.4.1");
        assert.equal(imageOf(r, "sandbox-b"), "questdb/questdb:9.4.1");
        const facts = r.outputs.databases as Record<string, DeployedFacts>;
        assert.equal(facts["sandbox-a"].maintenanceOverride, "CVE fix, OPS-1");
        assert.equal(facts["sandbox-b"].questdbVersion, "9.4.1");
        assert.deepEqual(r.outputs.pending, {});
    });
});

describe("a window alone", () => {
    test("changes no resource of a managed node group database: the stack renders as it did", async () => {
        const [shipped, windowed] = await Promise.all([renderShippedStack("dev"), renderStackBody("dev", devWith(() => undefined))]);
        assert.deepEqual(windowed.resources, shipped.resources);
    });

    test("on the Karpenter path it becomes the NodePool's Drifted budget: no drift from the window's close until it opens", async () => {
        const body = editedProd((dbs, region) => {
            region.nodeProvisioner = "karpenter";
            entry(dbs, "wayne-finance").maintenanceWindow = WINDOW;
        });
        const r = await renderStackBody("prod", body);
        const budgets = (id: string) => (resource(r, "kubernetes:karpenter.sh/v1:NodePool", `${id}-nodepool`).inputs as any).spec.disruption.budgets;
        assert.deepEqual(budgets("wayne-finance"), [{ nodes: "1" }, { nodes: "0", reasons: ["Drifted"], schedule: "0 4 * * 0", duration: "166h" }]);
        assert.deepEqual(budgets("acme-analytics"), [{ nodes: "1" }]);
    });
});
