/** Issue 17.6: a database's headline and downtime, for every lifecycle state pair. Pure. */
import assert from "node:assert/strict";
import { test } from "node:test";
import { DOWNTIME } from "../../tools/impact/report";
import { LIFECYCLE_STATES, LifecycleState, headline } from "../../tools/impact/lifecycle";
import { ImpactKind } from "../../tools/impact/types";

/** What the resources of each transition look like (most severe first), as the renders give them. */
const RESOURCES: Record<string, ImpactKind[]> = {
    "absent->active": ["created"],
    "absent->paused": ["created"],
    "absent->decommissioned": ["created"],
    "active->paused": ["down", "in-place-update"],
    "active->decommissioned": ["down", "created", "in-place-update"],
    "active->absent": ["data-at-risk", "down"],
    "paused->active": ["rolling-restart", "created", "in-place-update"],
    "paused->decommissioned": ["down", "created", "in-place-update"],
    "paused->absent": ["data-at-risk", "down"],
    "decommissioned->active": ["created", "in-place-update"],
    "decommissioned->paused": ["created", "in-place-update"],
    "decommissioned->absent": ["released"],
    "active->active": ["rolling-restart", "in-place-update"],
    "paused->paused": ["down", "in-place-update"],
    "decommissioned->decommissioned": ["in-place-update"],
    "absent->absent": [],
};

const EXPECTED: Record<string, [ImpactKind, RegExp]> = {
    "absent->active": ["created", /^none \(new\)$/],
    "absent->paused": ["created", /^none \(new, paused: no pod\)$/],
    "absent->decommissioned": ["created", /^none \(new, decommissioned/],
    "active->paused": ["down", /^down until resumed/],
    "active->decommissioned": ["decommission", /^permanent: compute deleted/],
    "active->absent": ["data-at-risk", /data may be lost/],
    "paused->active": ["starts", /^starts, 3-5 min$/],
    "paused->decommissioned": ["decommission", /^permanent: compute deleted/],
    "paused->absent": ["data-at-risk", /data may be lost/],
    "decommissioned->active": ["starts", /^starts, 3-5 min/],
    "decommissioned->paused": ["created", /^none \(stays down: paused/],
    "decommissioned->absent": ["released", /^none \(already decommissioned/],
    "active->active": ["rolling-restart", /^one pod restart/],
    "paused->paused": ["in-place-update", /^no downtime \(paused\)$/],
    "decommissioned->decommissioned": ["in-place-update", /^none \(decommissioned\)$/],
    "absent->absent": ["no-op", /^none$/],
};

test("every state pair has its own headline and downtime, from the transition and the resources together", () => {
    for (const before of LIFECYCLE_STATES) {
        for (const after of LIFECYCLE_STATES) {
            const pair = `${before}->${after}`;
            const { kind, downtime } = headline(before as LifecycleState, after as LifecycleState, RESOURCES[pair], DOWNTIME);
            assert.equal(kind, EXPECTED[pair][0], pair);
            assert.match(downtime, EXPECTED[pair][1], pair);
            assert.notEqual(kind === "created" && before !== "absent" && after === "active", true, `${pair}: a resume is not "created"`);
        }
    }
});

test("the labels the issue names", () => {
    assert.equal(headline("paused", "active", ["created"], DOWNTIME).downtime, "starts, 3-5 min");
    assert.match(headline("active", "decommissioned", ["down"], DOWNTIME).downtime, /^permanent: compute deleted/);
    assert.notEqual(headline("decommissioned", "absent", ["in-place-update"], DOWNTIME).kind, "in-place-update");
    assert.deepEqual(headline("paused", "paused", ["down"], DOWNTIME), { kind: "in-place-update", downtime: "no downtime (paused)" });
    assert.equal(headline("paused", "paused", ["volume-change", "down"], DOWNTIME).kind, "volume-change");
    assert.equal(headline("active", "active", ["refused"], DOWNTIME).kind, "refused");
});
