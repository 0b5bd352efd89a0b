/** impact's reading of Karpenter objects: what drifts the node, what does not, and a migration between paths. */
import assert from "node:assert/strict";
import { test } from "node:test";
import { Render, RenderedResource } from "../../render/types";
import { impactOfRenders } from "../../tools/impact/report";
import { NODE_CLASS, NODE_GROUP, NODE_POOL } from "../../tools/impact/rules";
import { DATABASE_COMPONENT } from "../../tools/impact/types";

const db: RenderedResource = { type: DATABASE_COMPONENT, name: "db1", custom: false, inputs: {}, options: {} };
const part = (type: string, name: string, inputs: Record<string, unknown>): RenderedResource => ({ type, name, parent: "db1", custom: true, inputs, options: {} });
const render = (...resources: RenderedResource[]): Render => ({ stack: "s", preview: false, resources: [db, ...resources], outputs: {}, invokes: {} });
const kinds = (before: RenderedResource[], after: RenderedResource[]) =>
    impactOfRenders(render(...before), render(...after)).databases.flatMap((d) => d.resources.map((r) => `${r.action}:${r.type}:${r.kind}`)).sort();

const pool = (instanceType: string, nodeClass = "qdb-al2023-x86-64-1.31.3-20250103", budgets: unknown[] = [{ nodes: "1" }]) => part(NODE_POOL, "db1-nodepool", {
    apiVersion: "karpenter.sh/v1", kind: "NodePool", metadata: { name: "qdb-db1" },
    spec: { template: { spec: { nodeClassRef: { name: nodeClass }, requirements: [{ key: "node.kubernetes.io/instance-type", values: [instanceType] }] } }, disruption: { budgets }, limits: { nodes: "1" } },
});

test("a NodePool's instance type or node class is drift (one pod move); its budgets are not", () => {
    assert.deepEqual(kinds([pool("m7i.xlarge")], [pool("m7i.2xlarge")]), [`update:${NODE_POOL}:rolling-node-update`]);
    assert.deepEqual(kinds([pool("m7i.xlarge")], [pool("m7i.xlarge", "qdb-al2023-x86-64-1.31.5-20250301")]), [`update:${NODE_POOL}:rolling-node-update`]);
    assert.deepEqual(kinds([pool("m7i.xlarge")], [pool("m7i.xlarge", undefined, [{ nodes: "1" }, { nodes: "0", reasons: ["Drifted"] }])]), [`update:${NODE_POOL}:in-place-update`]);
});

test("an EC2NodeClass's AMI change drifts its nodes; a class leaving the program takes no node with it", () => {
    const nodeClass = (ami: string) => part(NODE_CLASS, "qdb-al2023", { metadata: { name: "qdb-al2023" }, spec: { amiSelectorTerms: [{ id: ami }] } });
    assert.deepEqual(kinds([nodeClass("ami-1")], [nodeClass("ami-2")]), [`update:${NODE_CLASS}:rolling-node-update`]);
    assert.deepEqual(kinds([nodeClass("ami-1")], []), [`delete:${NODE_CLASS}:in-place-update`]);
});

test("migration: node group to NodePool creates the pool and deletes the group (one pod move), and back", () => {
    const group = part(NODE_GROUP, "db1-node", { instanceTypes: ["m7i.xlarge"] });
    assert.deepEqual(kinds([group], [pool("m7i.xlarge")]), [`create:${NODE_POOL}:created`, `delete:${NODE_GROUP}:provisioner-move`].sort());
    assert.deepEqual(kinds([pool("m7i.xlarge")], [group]), [`create:${NODE_GROUP}:created`, `delete:${NODE_POOL}:provisioner-move`].sort());
});
