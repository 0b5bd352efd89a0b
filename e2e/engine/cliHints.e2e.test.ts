/**
 * Issue 26.3: the hints that name the Pulumi CLI run as printed, with the real CLI, against a
 * stack the real program deployed (file backend, the tier's API server). The mock tier runs every
 * other hint (test/qdb/hints.test.ts); these need a CLI, a backend and real outputs.
 */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { after, before, describe, it } from "node:test";
import { parseDocument } from "yaml";
import { CONFIG_NAMESPACE } from "../../inventory";
import { followHints as followPrinted, shellWords, suggestedCommands } from "../../test/qdb/shellWords";
import { EXIT_CODES } from "../../tools/exitCodes";
import { Spawned, spawnQdb } from "../../test/qdb/spawn";
import { EngineStack } from "./stack";
import { Tier, devStackYaml, newStack, startTier, zonesOf } from "./tier";

const [ZONE_A] = zonesOf(devStackYaml());
const ID = "hints";

describe("hints that need the Pulumi CLI run as printed (issue 26.3)", { timeout: 30 * 60_000 }, () => {
    let tier: Tier;
    let stack: EngineStack;
    /** PATH with the built CLI first, as an operator's shell has it. */
    let withCli: NodeJS.ProcessEnv;

    before(async () => {
        tier = await startTier([ZONE_A]);
        stack = await newStack(tier, "dev", devStackYaml());
        stack.setDatabases([{ id: ID, availabilityZone: ZONE_A }]);
        await stack.up();
        withCli = { ...stack.env, PATH: `${path.join(tier.components.pulumiRoot, "bin")}:${stack.env.PATH}` };
    });

    after(async () => {
        await tier?.stop();
    });

    /** A printed command as an operator's shell runs it in the stack's project directory. */
    function runPrinted(command: string): Spawned {
        const words = shellWords(command);
        if (words[0] === "npx" && words[1] === "qdb") {
            return spawnQdb(stack.workDir, words.slice(2), withCli);
        }
        assert.equal(words[0], "pulumi", `no way to run ${command} here`);
        const r = spawnSync("bash", ["-c", command], { cwd: stack.workDir, env: { ...process.env, ...withCli }, encoding: "utf8", timeout: 120_000 });
        return { code: r.status, out: r.stdout, err: r.stderr };
    }

    /** Runs every command the message suggests, in order; each must succeed. */
    const followHints = (message: string) => followPrinted(message, runPrinted);

    it("status without the CLI on PATH: the printed write of the outputs, then status from that file, shows the deployed database", () => {
        const noCli = fs.mkdtempSync(path.join(stack.workDir, "no-cli-"));
        const refused = spawnQdb(stack.workDir, ["status", "--stack", "dev"], { ...stack.env, PATH: noCli });
        assert.equal(refused.code, 1, refused.err);
        const commands = followHints(refused.err);
        // The command it could not run, then the way round: write the file, then read it.
        assert.deepEqual(commands.slice(1).map((c) => shellWords(c).slice(0, 3).join(" ")), ["pulumi stack output", "npx qdb status"]);
        const written = JSON.parse(fs.readFileSync(path.join(stack.workDir, "outputs.json"), "utf8"));
        assert.equal(written.databases[ID].state, "active", "the real CLI wrote the deployed facts");
        assert.match(written.databases[ID].volumeId, /^vol-/);
        const fromFile = runPrinted(commands[2]);
        assert.match(fromFile.out, new RegExp(`^${ID}\\s.*in sync$`, "m"), fromFile.out);
    });

    it("status with the CLI on PATH reads the real outputs itself", () => {
        const result = spawnQdb(stack.workDir, ["status", "--stack", "dev"], withCli);
        assert.equal(result.code, 0, result.err);
        assert.match(result.out, /from `pulumi stack output --json --stack dev`/);
        assert.match(result.out, new RegExp(`^${ID}\\s.*in sync$`, "m"), result.out);
    });

    it("validate --outputs naming a missing file: the printed command writes it, and a hand-edited shrink is then refused against it", () => {
        const file = "deployed.json";
        const missing = spawnQdb(stack.workDir, ["validate", "--stack", "dev", "--outputs", file], withCli);
        assert.equal(missing.code, EXIT_CODES.config, missing.err);
        assert.deepEqual(followHints(missing.err), [`pulumi stack output --json --show-secrets --stack dev > ${file}`]);
        const judged = spawnQdb(stack.workDir, ["validate", "--stack", "dev", "--outputs", file], withCli);
        assert.equal(judged.code, 0, judged.err);
        assert.match(judged.out + judged.err, /judged against outputs file deployed\.json/);

        const deployedSize = JSON.parse(fs.readFileSync(path.join(stack.workDir, file), "utf8")).databases[ID].sizeGiB as number;
        const original = fs.readFileSync(stack.stackFilePath, "utf8");
        try {
            stack.setDatabases([{ id: ID, availabilityZone: ZONE_A, volume: { sizeGiB: deployedSize - 1 } }]);
            const shrink = spawnQdb(stack.workDir, ["validate", "--stack", "dev", "--outputs", file], withCli);
            assert.equal(shrink.code, EXIT_CODES.refused, shrink.err);
            assert.match(shrink.err, /judged against outputs file deployed\.json, the program refuses this change/);
            assert.match(shrink.err, new RegExp(`volume\\.sizeGiB.*the volume has ${deployedSize} GiB`, "s"));
        } finally {
            fs.writeFileSync(stack.stackFilePath, original);
        }
    });

    it("outputs the program cannot read: each refusal's `pulumi stack output <name>` shows that output of the real stack", () => {
        const deployed = JSON.parse(runPrinted("pulumi stack output --json --show-secrets --stack dev").out) as Record<string, unknown>;
        const cases: Array<{ output: string; value: unknown; command: string[] }> = [
            { output: "databases", value: { [ID]: "not an object" }, command: ["validate", "--stack", "dev", "--outputs"] },
            { output: "retiredIds", value: "not a list", command: ["validate", "--stack", "dev", "--outputs"] },
            { output: "retainedVolumeIds", value: ["not a map"], command: ["status", "--stack", "dev", "--outputs"] },
        ];
        for (const c of cases) {
            const file = path.join(stack.workDir, `broken-${c.output}.json`);
            fs.writeFileSync(file, JSON.stringify({ ...deployed, [c.output]: c.value }));
            const refused = spawnQdb(stack.workDir, [...c.command, file], withCli);
            assert.notEqual(refused.code, 0, `${c.output}: ${refused.out}`);
            const commands = suggestedCommands(refused.err).filter((s) => s.startsWith(`pulumi stack output ${c.output} `));
            assert.deepEqual(commands, [`pulumi stack output ${c.output} --json --stack dev`], refused.err);
            const shown = runPrinted(commands[0]);
            assert.equal(shown.code, 0, shown.err);
            assert.deepEqual(JSON.parse(shown.out), deployed[c.output], `${c.output}: the real CLI shows the deployed value`);
        }
    });

    it("a stack without a credentials seed: validate's note's command sets it as a Pulumi secret, and the note goes away", () => {
        const init = runPrinted("pulumi stack init seedless");
        assert.equal(init.code, 0, init.err);
        const file = path.join(stack.workDir, "Pulumi.seedless.yaml");
        // The dev region's config without the seed, on a cluster of its own, beside the salt `stack init` wrote.
        const doc = parseDocument(fs.readFileSync(file, "utf8"));
        doc.set("config", parseDocument(devStackYaml()).get("config"));
        doc.deleteIn(["config", `${CONFIG_NAMESPACE}:credentialsSeed`]);
        doc.setIn(["config", `${CONFIG_NAMESPACE}:region`, "clusterName"], "qdb-seedless");
        fs.writeFileSync(file, doc.toString());

        const noted = spawnQdb(stack.workDir, ["validate", "--stack", "seedless"], withCli);
        assert.equal(noted.code, 0, noted.err);
        const commands = followHints(noted.out + noted.err);
        assert.deepEqual(commands.map((c) => shellWords(c).slice(0, 4).join(" ")), [`pulumi config set --secret`]);

        const stored = parseDocument(fs.readFileSync(file, "utf8")).getIn(["config", `${CONFIG_NAMESPACE}:credentialsSeed`]) as { get(k: string): unknown };
        assert.match(String(stored.get("secure")), /^v1:/, "stored encrypted, never in plain text");
        const seed = runPrinted(`pulumi config get ${CONFIG_NAMESPACE}:credentialsSeed --stack seedless`);
        assert.match(seed.out.trim(), /^[A-Za-z0-9+/]{43}=$/, "32 random bytes, base64");
        const after = spawnQdb(stack.workDir, ["validate", "--stack", "seedless"], withCli);
        assert.equal(after.code, 0, after.err);
        assert.doesNotMatch(after.out + after.err, /credentialsSeed/);
    });
});
