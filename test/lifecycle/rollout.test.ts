import assert from "node:assert/strict";
import { before, test } from "node:test";
import { ROLLOUT_TIMING, rolloutTimeoutMinutes } from "../../components/deployment/rollout";
import { Render } from "../../render";
import { formatImpactMarkdown } from "../../tools/impact/format";
import { impactOfRenders } from "../../tools/impact/report";
import { editedProd, renderAfter } from "../support/lifecycle";
import { TYPES, renderShippedStack, resource, resourcesOfType } from "../support/stacks";

let base: Render;
before(async () => {
    base = await renderShippedStack("prod");
});

test("every StatefulSet waits for a rollout as long as its own probes, grace period, volume move and image pull can take", () => {
    for (const statefulSet of resourcesOfType(base, TYPES.statefulSet)) {
        const pod = (statefulSet.inputs.spec as any).template.spec;
        const startup = pod.containers[0].startupProbe;
        const readiness = pod.containers[0].readinessProbe;
        const seconds = pod.terminationGracePeriodSeconds + ROLLOUT_TIMING.volumeAttachSeconds + ROLLOUT_TIMING.imagePullSeconds
            + startup.periodSeconds * startup.failureThreshold + readiness.periodSeconds;
        const minutes = `${Math.ceil(seconds / 60)}m`;
        assert.deepEqual(statefulSet.options.customTimeouts, { create: minutes, update: minutes }, statefulSet.name);
    }
    // Longer than the provider's 10-minute StatefulSet default, which a WAL replay alone can exceed.
    assert.ok(rolloutTimeoutMinutes() > 10);
});

test("the wait grows with what it is sized from", () => {
    const slower = { ...ROLLOUT_TIMING, startupProbe: { periodSeconds: 10, failureThreshold: 120 } };
    assert.equal(rolloutTimeoutMinutes(slower) - rolloutTimeoutMinutes(), 10);
    assert.equal(rolloutTimeoutMinutes({ ...ROLLOUT_TIMING, imagePullSeconds: ROLLOUT_TIMING.imagePullSeconds + 120 }) - rolloutTimeoutMinutes(), 2);
});

test("a version change and its revert each tell the reviewer the forced-rollback step; a DNS-only change does not", async () => {
    const rolled = await renderAfter(base, editedProd((_, region) => (region.channels.canary = "9.4.1")));
    const reverted = await renderAfter(rolled, editedProd(() => undefined));
    for (const report of [impactOfRenders(base, rolled), impactOfRenders(rolled, reverted)]) {
        assert.equal(report.notes.length, 1);
        assert.match(report.notes[0], /Forced rollback: this rolls the pod of umbrella-iot/);
        assert.match(report.notes[0], /kubectl -n qdb-<id> delete pod questdb-0/);
        assert.match(formatImpactMarkdown(report), /Note: Forced rollback/);
    }
    const dns = await renderAfter(base, editedProd((_, region) => (region.ingress.loadBalancerHostname = "lb2.example.com")));
    const dnsNotes = impactOfRenders(base, dns).notes;
    assert.deepEqual(dnsNotes.filter((n) => n.startsWith("Forced rollback")), []);
    // The one other note: the adopted database's imported record holds the new target until converge.
    assert.deepEqual(dnsNotes.map((n) => n.split(":")[0]), ["Held until converge (legacy-metrics)"]);
    // The customTimeouts option alone never shows as a change.
    assert.ok(resource(rolled, TYPES.statefulSet, "umbrella-iot-questdb").options.customTimeouts);
});
