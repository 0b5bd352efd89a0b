import assert from "node:assert/strict";
import { before, test } from "node:test";
import { parse } from "yaml";
import { Render } from "../../render";
import { TYPES, renderShippedStack, resourcesOfType } from "../support/stacks";

let base: Render;
before(async () => {
    base = await renderShippedStack("prod");
});

/** Splits a MIME multi-part document into its parts' headers and bodies. */
function mimeParts(document: string): { headers: Record<string, string>; body: string }[] {
    const boundary = /boundary="([^"]+)"/.exec(document)?.[1];
    assert.ok(boundary, "no multipart boundary");
    assert.match(document, /^MIME-Version: 1.0\n/);
    assert.ok(document.trimEnd().endsWith(`--${boundary}--`), "the document does not close its boundary");
    return document.split(`--${boundary}`).slice(1, -1).map((chunk) => {
        const [head, ...rest] = chunk.replace(/^\n/, "").split("\n\n");
        const headers = Object.fromEntries(head.split("\n").map((l) => l.split(": ")).map(([k, v]) => [k.toLowerCase(), v]));
        return { headers, body: rest.join("\n\n").trim() };
    });
}

test("every database node's launch template carries nodeadm user data: a NodeConfig for open files and a script for vm.max_map_count", () => {
    const templates = resourcesOfType(base, TYPES.launchTemplate);
    assert.ok(templates.length > 5);
    for (const template of templates) {
        const document = Buffer.from(String(template.inputs.userData), "base64").toString("utf8");
        const parts = mimeParts(document);
        assert.deepEqual(parts.map((p) => p.headers["content-type"]), ["application/node.eks.aws", 'text/x-shellscript; charset="us-ascii"'], template.name);
        const nodeConfig = parse(parts[0].body);
        assert.equal(nodeConfig.apiVersion, "node.eks.aws/v1alpha1");
        assert.equal(nodeConfig.kind, "NodeConfig");
        // No cluster block: EKS supplies it for a managed node group, and nodeadm merges the parts.
        assert.equal(nodeConfig.spec.cluster, undefined);
        assert.deepEqual(nodeConfig.spec.containerd.baseRuntimeSpec.process.rlimits, [{ type: "RLIMIT_NOFILE", soft: 1048576, hard: 1048576 }]);
        const script = parts[1].body;
        assert.match(script, /^#!\/bin\/bash\n/);
        const value = Number(/vm\.max_map_count = (\d+)/.exec(script)?.[1]);
        assert.ok(value >= 1048576, `vm.max_map_count ${value}`);
        assert.match(script, /sysctl -p \/etc\/sysctl\.d\/99-zz-questdb\.conf/);
    }
});
