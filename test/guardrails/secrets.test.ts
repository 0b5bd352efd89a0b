/**
 * Credentials are Pulumi secrets end to end. Each shipped stack is rendered with a distinctive
 * credentials seed (a secret config key, as `pulumi config set --secret` makes it); then neither
 * the seed nor any password derived from it (nor their base64) may appear in the render (every
 * input, option and output), the stack outputs, the child's stdout and stderr, or the synth
 * tool's JSON, tree and YAML manifests. Positive controls keep the test honest: the needles are
 * found in the request itself, and every database's credentials Secret is registered as secret.
 */
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { describe, it } from "node:test";
import { derivePassword } from "../../components/deployment/credentials";
import { CONFIG_NAMESPACE } from "../../inventory";
import { RenderRequest, SECRET_MASK, requestFromStackFile } from "../../render";
import { manifestsOf, writeManifests } from "../../render/manifests";
import { formatTree } from "../../render/tree";
import { synthJson } from "../../tools/synth";
import { TYPES, resourcesOfType, shippedStackFile, shippedStacks } from "../support/stacks";
import { renderInChildWithLogs } from "../../render/child";

const SEED_KEY = `${CONFIG_NAMESPACE}:credentialsSeed`;
/** Distinctive, so that a hit can only be a leak. */
const SEED = "guardrails-canary-seed-Zq7Xw2Lp9Rt4Vb6N";

function requestWithSeed(stack: string): RenderRequest {
    const base = requestFromStackFile(shippedStackFile(stack), false);
    return { ...base, config: { ...base.config, [SEED_KEY]: SEED }, secretKeys: [...new Set([...base.secretKeys, SEED_KEY])] };
}

/** Each secret, raw and base64 (Kubernetes and kubeconfigs carry base64). */
function needlesFor(ids: string[]): Map<string, string> {
    const secrets = new Map<string, string>([["seed", SEED]]);
    for (const id of ids) {
        for (const purpose of ["http", "pg"] as const) secrets.set(`${id} ${purpose} password`, derivePassword(SEED, id, purpose));
    }
    const needles = new Map<string, string>();
    for (const [what, value] of secrets) {
        needles.set(what, value);
        needles.set(`${what} (base64)`, Buffer.from(value).toString("base64"));
    }
    return needles;
}

function leaks(haystacks: Record<string, string>, needles: Map<string, string>): string[] {
    return Object.entries(haystacks).flatMap(([where, text]) =>
        [...needles].filter(([, needle]) => text.includes(needle)).map(([what]) => `${what} in ${where}`));
}

/** The synth tool's outputs for a render: its --json document, its tree and every YAML manifest. */
function synthTexts(render: Parameters<typeof synthJson>[0]): Record<string, string> {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "qdb-guardrails-synth-"));
    try {
        writeManifests(dir, manifestsOf(render));
        const files = fs.readdirSync(dir, { recursive: true, withFileTypes: true }).filter((f) => f.isFile());
        assert.ok(files.length > 0, "synth wrote manifests");
        const yaml = files.map((f) => fs.readFileSync(path.join(f.parentPath, f.name), "utf8")).join("\n---\n");
        return { "synth --json": JSON.stringify(synthJson(render)), "synth tree": formatTree(render), "synth manifests": yaml };
    } finally {
        fs.rmSync(dir, { recursive: true, force: true });
    }
}

describe("no secret in plain text", () => {
    for (const stack of shippedStacks()) {
        it(`${stack}: seed and derived passwords appear nowhere`, { timeout: 120_000 }, async () => {
            const request = requestWithSeed(stack);
            const { render, renderText, stdout, stderr } = await renderInChildWithLogs(request);
            const ids = resourcesOfType(render, TYPES.deployment).map((d) => d.name);
            assert.ok(ids.length > 0);
            const needles = needlesFor(ids);

            // Positive controls: the detector finds the seed where it must be, and the
            // passwords really reached a Secret, registered as a Pulumi secret.
            assert.deepEqual(leaks({ request: JSON.stringify(request) }, needles), ["seed in request"]);
            const secrets = resourcesOfType(render, TYPES.secret);
            const databaseNamespaces = resourcesOfType(render, TYPES.namespace).filter((n) => n.parent !== undefined && ids.includes(n.parent));
            assert.equal(secrets.length, databaseNamespaces.length, "one credentials Secret per running database");
            assert.ok(secrets.length > 0);
            for (const secret of secrets) assert.equal(secret.inputs.stringData, SECRET_MASK, secret.name);

            const haystacks = {
                render: renderText,
                "stack outputs": JSON.stringify(render.outputs),
                "child stdout": stdout,
                "child stderr": stderr,
                ...synthTexts(render),
            };
            assert.deepEqual(leaks(haystacks, needles), []);
        });
    }
});
