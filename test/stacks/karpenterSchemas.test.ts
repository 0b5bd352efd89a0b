// Issue 22.10: NodePools and EC2NodeClasses validate offline against Karpenter's own schemas
// (@kubernetes-models/karpenter, ESM, loaded by preloadSchemas), as synth does: no "no offline
// schema" for a region on Karpenter, and an object the API server would refuse is refused here.
import assert from "node:assert/strict";
import { before, test } from "node:test";
import { Render } from "../../render";
import { ESM_SCHEMA_MODELS, hasOfflineSchema, preloadSchemas, validateManifest } from "../../render/manifests";
import { editedProd } from "../support/lifecycle";
import { renderStackBody, resourcesOfType } from "../support/stacks";

const NODE_POOL = "kubernetes:karpenter.sh/v1:NodePool";
const NODE_CLASS = "kubernetes:karpenter.k8s.aws/v1:EC2NodeClass";

let render: Render;
before(async () => {
    await preloadSchemas();
    render = await renderStackBody("prod", editedProd((_dbs, region) => {
        region.nodeProvisioner = "karpenter";
    }));
});

const karpenterObjects = () => [...resourcesOfType(render, NODE_POOL), ...resourcesOfType(render, NODE_CLASS)];

test("every NodePool and EC2NodeClass of prod on Karpenter has an offline schema and validates", () => {
    const objects = karpenterObjects();
    assert.ok(resourcesOfType(render, NODE_POOL).length > 3 && resourcesOfType(render, NODE_CLASS).length > 0, `rendered ${objects.length}`);
    for (const r of objects) {
        assert.ok(hasOfflineSchema(r.inputs), `${r.type} ${r.name} has a schema`);
        assert.deepEqual(validateManifest(r.inputs), [], `${r.type} ${r.name}`);
    }
    assert.deepEqual(Object.keys(ESM_SCHEMA_MODELS).sort(), ["karpenter.k8s.aws/v1/EC2NodeClass", "karpenter.sh/v1/NodePool"]);
});

test("what Karpenter's CRDs refuse is refused offline: a NodePool's duration, an EC2NodeClass without AMI terms", () => {
    const [pool] = resourcesOfType(render, NODE_POOL).map((r) => r.inputs as Record<string, any>);
    const badPool = { ...pool, spec: { ...pool.spec, disruption: { ...pool.spec.disruption, consolidateAfter: "soon" } } };
    assert.match(validateManifest(badPool).join("\n"), /\/spec\/disruption\/consolidateAfter must match pattern/);
    const [nodeClass] = resourcesOfType(render, NODE_CLASS).map((r) => r.inputs as Record<string, any>);
    const { amiSelectorTerms: _dropped, ...withoutAmi } = nodeClass.spec;
    assert.match(validateManifest({ ...nodeClass, spec: withoutAmi }).join("\n"), /must have required property 'amiSelectorTerms'|must have required property amiSelectorTerms/);
});
