/**
 * The fleet's commit mode (docs/decisions.md, "Commit mode"): every database's server.conf flushes
 * each commit before it is acknowledged (`cairo.commit.mode=sync`), and a database cannot turn it off.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { InventoryError, validateInventory } from "../../inventory";
import { TYPES, databasesOf, rawConfigOf, renderShippedStack, resourcesOfType, shippedStackBody } from "../support/stacks";

test("every rendered server.conf of the prod stack commits with sync", async () => {
    const render = await renderShippedStack("prod");
    const confs = resourcesOfType(render, TYPES.configMap).map((r) => (r.inputs as { data?: Record<string, string> }).data?.["server.conf"]).filter((c) => c !== undefined);
    assert.ok(confs.length >= 5, `server.conf ConfigMaps: ${confs.length}`);
    for (const conf of confs) {
        assert.deepEqual(conf!.split("\n").filter((l) => l.startsWith("cairo.commit.mode=")), ["cairo.commit.mode=sync"]);
    }
});

test("a database that sets cairo.commit.mode is refused, naming the stack, the database, the key and the reason", () => {
    const body = shippedStackBody("prod");
    databasesOf(body)[0].serverConf = { "cairo.commit.mode": "nosync" };
    assert.throws(() => validateInventory(rawConfigOf(body, "prod")), (err: unknown) => {
        assert.ok(err instanceof InventoryError);
        const text = String((err as Error).message);
        assert.match(text, /acme-analytics/);
        assert.match(text, /serverConf\.cairo\.commit\.mode/);
        assert.match(text, /managed by the program: every commit is flushed to the EBS volume before it is acknowledged/);
        assert.match(text, /remove it/);
        return true;
    });
});
