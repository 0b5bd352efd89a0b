/**
 * The pack as the Pulumi engine runs it: each policy's validateResource called with hand-built
 * arguments (as pulumi/pulumi-policy-aws src/tests/util.ts does), plus the project files that
 * `pulumi preview --policy-pack policy` needs. index.ts itself is never imported: constructing
 * the PolicyPack starts the analyzer server.
 */
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { describe, it } from "node:test";
import { parse } from "yaml";
import type { ResourceValidationArgs, ResourceValidationPolicy } from "@pulumi/policy/policy";
import { policies } from "../../policy/policies";
import { RULES } from "../../policy/rules";
import { PROJECT_DIR } from "../support/stacks";

const POLICY_DIR = path.join(PROJECT_DIR, "policy");

function args(type: string, props: Record<string, unknown>, protect: boolean): ResourceValidationArgs {
    return {
        type, props, urn: `urn:pulumi:test::questdb-cloud::${type}::r`, name: "r",
        opts: { protect, ignoreChanges: [], aliases: [], additionalSecretOutputs: [], customTimeouts: { createSeconds: 0, updateSeconds: 0, deleteSeconds: 0 } },
        stackTags: new Map(),
        isType: () => false, asType: () => undefined, getConfig: <T>() => ({}) as T,
        notApplicable: () => { throw new Error("not applicable"); },
    } as ResourceValidationArgs;
}

async function run(policy: ResourceValidationPolicy, a: ResourceValidationArgs): Promise<string[]> {
    const messages: string[] = [];
    const validations = [policy.validateResource ?? []].flat();
    for (const validate of validations) {
        await validate(a, (message) => messages.push(message));
    }
    return messages;
}

describe("policy pack", () => {
    const byName = new Map(policies().map((p) => [p.name, p]));

    it("wraps every rule as a mandatory policy", () => {
        assert.deepEqual([...byName.keys()], RULES.map((r) => r.name));
        for (const policy of byName.values()) {
            assert.equal(policy.enforcementLevel, "mandatory");
            assert.ok(policy.description.length > 20, policy.name);
        }
    });

    it("reads protect from the resource options the engine passes", async () => {
        const policy = byName.get("ebs-volume-encrypted-and-protected")!;
        assert.deepEqual(await run(policy, args("aws:ebs/volume:Volume", { encrypted: true }, true)), []);
        const unprotected = await run(policy, args("aws:ebs/volume:Volume", { encrypted: true }, false));
        assert.equal(unprotected.length, 1);
        assert.match(unprotected[0], /protect/);
    });

    it("reports property violations through reportViolation", async () => {
        const policy = byName.get("launch-template-imdsv2")!;
        const type = "aws:ec2/launchTemplate:LaunchTemplate";
        assert.equal((await run(policy, args(type, { metadataOptions: { httpTokens: "optional" } }, false))).length, 1);
        assert.deepEqual(await run(policy, args(type, { metadataOptions: { httpTokens: "required" } }, false)), []);
    });

    it("is a nodejs policy pack project pinned to the root's Pulumi versions", () => {
        const project = parse(fs.readFileSync(path.join(POLICY_DIR, "PulumiPolicy.yaml"), "utf8"));
        assert.equal(project.runtime, "nodejs");
        const pack = JSON.parse(fs.readFileSync(path.join(POLICY_DIR, "package.json"), "utf8"));
        const root = JSON.parse(fs.readFileSync(path.join(PROJECT_DIR, "package.json"), "utf8"));
        assert.equal(pack.dependencies["@pulumi/policy"], root.devDependencies["@pulumi/policy"]);
        assert.equal(pack.dependencies["@pulumi/pulumi"], root.dependencies["@pulumi/pulumi"]);
        const index = fs.readFileSync(path.join(POLICY_DIR, pack.main), "utf8");
        assert.match(index, /new PolicyPack\(/);
        assert.match(index, /enforcementLevel: "mandatory"/);
    });
});
