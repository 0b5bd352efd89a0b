/** Issue 17.11: how qdb treats the file it writes: read-only files, symlinks, owner and mode, unwritable directories. */
import * as assert from "node:assert/strict";
import { SpawnSyncReturns, spawnSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { describe, it } from "node:test";
import { ensureBuilt } from "../../tools/build";
import { qdb, stackText, tempProject } from "./helpers";

const LAUNCHER = path.join(__dirname, "..", "..", "tools", "qdb-bin", "qdb.js");
const NOBODY = 65534;
/** setpriv arguments that take from root the capabilities that bypass file modes. */
const DROP_DAC = ["--inh-caps=-dac_override,-dac_read_search", "--bounding-set=-dac_override,-dac_read_search"];
const SET = ["set", "--stack", "fleet", "charlie-logs", "instanceType=m7i.xlarge"];

describe("issue 17.11: file safety", () => {
    it("a read-only stack file is refused, not replaced", async () => {
        const dir = tempProject("fleet");
        const file = path.join(dir, "Pulumi.fleet.yaml");
        fs.chmodSync(file, 0o444);
        const before = stackText(dir, "fleet");
        const result = await qdb(dir, ...SET);
        assert.equal(result.code, 1);
        assert.match(result.err, /Pulumi\.fleet\.yaml is read-only \(mode 0444\); nothing was written\. Fix: .*chmod u\+w/);
        assert.equal(stackText(dir, "fleet"), before);
        assert.equal(fs.statSync(file).mode & 0o777, 0o444);
    });

    it("a symlinked stack file is edited through the link, and the link stays", async () => {
        const dir = tempProject("fleet");
        const link = path.join(dir, "Pulumi.fleet.yaml");
        fs.mkdirSync(path.join(dir, "real"));
        const target = path.join(dir, "real", "fleet.yaml");
        fs.renameSync(link, target);
        fs.symlinkSync(path.join("real", "fleet.yaml"), link);
        const result = await qdb(dir, ...SET);
        assert.equal(result.code, 0, result.err);
        assert.ok(fs.lstatSync(link).isSymbolicLink(), "the link is still a link");
        assert.match(fs.readFileSync(target, "utf8"), /instanceType: m7i\.xlarge/);
        assert.deepEqual(fs.readdirSync(path.join(dir, "real")), ["fleet.yaml"], "no temp file left behind");
    });

    it("the owner and mode are kept", async () => {
        const dir = tempProject("fleet");
        const file = path.join(dir, "Pulumi.fleet.yaml");
        fs.chmodSync(file, 0o640);
        if (process.getuid?.() === 0) {
            fs.chownSync(file, NOBODY, NOBODY);
        }
        const before = fs.statSync(file);
        const result = await qdb(dir, ...SET);
        assert.equal(result.code, 0, result.err);
        const after = fs.statSync(file);
        assert.notEqual(after.ino, before.ino, "replaced atomically (a new inode)");
        assert.deepEqual([after.mode & 0o7777, after.uid, after.gid], [0o640, before.uid, before.gid]);
    });

    it("a read-only directory gives one line, not a stack trace", (t) => {
        const dir = tempProject("fleet");
        const file = path.join(dir, "Pulumi.fleet.yaml");
        fs.chmodSync(file, 0o666);
        fs.chmodSync(dir, 0o555);
        try {
            const runner = refusedRunner(dir);
            if (typeof runner === "string") {
                t.skip(runner);
                return;
            }
            t.diagnostic(`qdb runs as ${runner.who}`);
            // The launcher first rebuilds a stale .build/, which a user refused writes cannot do.
            ensureBuilt(path.join(__dirname, "..", ".."));
            const result = runner.run([LAUNCHER, ...SET]);
            assert.equal(result.status, 1, result.stderr);
            assert.match(result.stderr, /^qdb: .*Pulumi\.fleet\.yaml: cannot create a temporary file in .* \(EACCES\); nothing was written\. Fix: .*directory must be writable\n$/);
            assert.equal(result.stderr.split("\n").length, 2, "one line");
        } finally {
            fs.chmodSync(dir, 0o700);
        }
    });
});

interface Runner {
    readonly who: string;
    readonly run: (args: readonly string[]) => SpawnSyncReturns<string>;
}

/**
 * Who can run this checkout's node and qdb in `dir` while the directory's mode refuses them a
 * write: user nobody, when it can reach the checkout; else (issue 26.8: a clone under a private
 * directory, such as a `mktemp -d` folder or root's home) root without the capabilities that
 * override file modes, so the owner's bits apply. A string says why neither can, for the skip.
 */
function refusedRunner(dir: string): Runner | string {
    if (process.getuid?.() !== 0) {
        return "needs root, to run qdb as a user the directory's mode refuses";
    }
    const options = { cwd: dir, encoding: "utf8" as const, timeout: 60_000 };
    const candidates: Runner[] = [
        { who: "nobody", run: (args) => spawnSync(process.execPath, args, { ...options, uid: NOBODY, gid: NOBODY }) },
        { who: "root without CAP_DAC_OVERRIDE", run: (args) => spawnSync("setpriv", [...DROP_DAC, "--", process.execPath, ...args], options) },
    ];
    const reach = [`-e`, `require("fs").accessSync(process.argv[1], require("fs").constants.R_OK)`, fs.realpathSync(LAUNCHER)];
    const usable = candidates.find((candidate) => candidate.run(reach).status === 0);
    return usable ?? `neither nobody nor root without CAP_DAC_OVERRIDE (setpriv) can run ${process.execPath} on ${LAUNCHER}: clone the project under a directory nobody can traverse, or install util-linux's setpriv`;
}
