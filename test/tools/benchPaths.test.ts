// Issue 22.10: the bench renders each node path at sizes past the default node group quota.
import assert from "node:assert/strict";
import { test } from "node:test";
import { BenchSample } from "../../render/benchChild";
import { benchStack, runBenchJob } from "../../tools/bench";

test("bench stacks of 40 databases render on both node paths: node groups under a raised quota, NodePools without one", () => {
    const [groups, pools] = (["managedNodeGroup", "karpenter"] as const).map((p) => runBenchJob({ program: { kind: "real" }, request: benchStack(40, p) }));
    assert.equal(typeof groups, "object", String(groups));
    assert.equal(typeof pools, "object", String(pools));
    const [g, k] = [(groups as BenchSample).perType, (pools as BenchSample).perType];
    assert.equal(g["aws:eks/nodeGroup:NodeGroup"], 1);
    assert.equal(g["kubernetes:karpenter.sh/v1:NodePool"], undefined);
    assert.equal(k["kubernetes:karpenter.sh/v1:NodePool"], 1);
    assert.equal(k["aws:eks/nodeGroup:NodeGroup"], undefined);
    assert.equal(k["aws:ec2/launchTemplate:LaunchTemplate"], undefined);
});
