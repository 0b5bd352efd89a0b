/**
 * Issue 23.4: `tools/stackMatrix.ts --changed <base-ref>` on real git histories: a stack file
 * edit, a program edit, a docs-only edit, a new stack file, a removed one, and the phases.
 */
import assert from "node:assert/strict";
import { execFileSync, spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { test } from "node:test";
import { changedStacks, phaseOf } from "../../tools/stackMatrix";
import { PROJECT_DIR } from "../support/stacks";

const SCRIPT = path.join(PROJECT_DIR, "tools", "stackMatrix.ts");

/** A git repository with a project's shape: three stacks, a program file, docs. */
function repository(): { dir: string; git: (...args: string[]) => string; write: (file: string, text: string) => void; commit: (message: string) => string } {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "matrix-git-"));
    const git = (...args: string[]) => execFileSync("git", ["-C", dir, "-c", "user.name=t", "-c", "user.email=t@example.com", ...args], { encoding: "utf8" });
    const write = (file: string, text: string) => {
        fs.mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
        fs.writeFileSync(path.join(dir, file), text);
    };
    const commit = (message: string) => {
        git("add", "-A");
        git("commit", "-q", "--allow-empty", "-m", message);
        return git("rev-parse", "HEAD").trim();
    };
    git("init", "-q", "-b", "main");
    for (const file of ["Pulumi.yaml", "Pulumi.dev.yaml", "Pulumi.eu-west.yaml", "Pulumi.prod.yaml", "index.ts", "docs/ci.md", "README.md", "package-lock.json"]) {
        write(file, `${file}\n`);
    }
    commit("initial");
    return { dir, git, write, commit };
}

function matrix(dir: string, ...args: string[]): { status: number | null; stdout: string; stderr: string } {
    const result = spawnSync(process.execPath, ["--import", "tsx", SCRIPT, dir, ...args], { encoding: "utf8" });
    return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

test("a stack file edit selects that stack only; a docs edit selects none", () => {
    const repo = repository();
    const base = repo.git("rev-parse", "HEAD").trim();
    repo.write("Pulumi.eu-west.yaml", "edited\n");
    repo.write("docs/ci.md", "edited\n");
    repo.commit("edit eu-west");
    const edited = matrix(repo.dir, "--changed", base);
    assert.equal(edited.status, 0, edited.stderr);
    assert.equal(edited.stdout, '["eu-west"]\n');
    assert.match(edited.stderr, /stack files/);

    const docsBase = repo.git("rev-parse", "HEAD").trim();
    repo.write("README.md", "docs only\n");
    repo.commit("docs");
    const docs = matrix(repo.dir, "--changed", docsBase);
    assert.equal(docs.stdout, "[]\n");
    assert.match(docs.stderr, /nothing that deploys/);
    fs.rmSync(repo.dir, { recursive: true });
});

test("a program or lockfile edit selects every stack, dev first and prod last", () => {
    for (const file of ["index.ts", "package-lock.json", "components/x.ts", "scripts/snapshot.sh"]) {
        const repo = repository();
        const base = repo.git("rev-parse", "HEAD").trim();
        repo.write(file, "changed\n");
        repo.commit(`edit ${file}`);
        const result = matrix(repo.dir, "--changed", base);
        assert.equal(result.stdout, '["dev","eu-west","prod"]\n', file);
        assert.match(result.stderr, /program/, file);
        fs.rmSync(repo.dir, { recursive: true });
    }
});

test("a new stack file is selected; a removed one is not, and is reported", () => {
    const repo = repository();
    const base = repo.git("rev-parse", "HEAD").trim();
    repo.write("Pulumi.ap-south.yaml", "new region\n");
    repo.git("rm", "-q", "Pulumi.eu-west.yaml");
    repo.commit("add ap-south, remove eu-west");
    const result = matrix(repo.dir, "--changed", base);
    assert.equal(result.status, 0, result.stderr);
    assert.equal(result.stdout, '["ap-south"]\n');
    assert.match(result.stderr, /Pulumi\.eu-west\.yaml was removed: not in the matrix/);
    fs.rmSync(repo.dir, { recursive: true });
});

test("a branch is compared with its merge base: changes on main since it forked do not count", () => {
    const repo = repository();
    repo.git("checkout", "-q", "-b", "change");
    repo.write("Pulumi.prod.yaml", "branch edit\n");
    repo.commit("edit prod");
    repo.git("checkout", "-q", "main");
    repo.write("index.ts", "main moved on\n");
    repo.commit("program edit on main");
    repo.git("checkout", "-q", "change");
    assert.equal(matrix(repo.dir, "--changed", "main").stdout, '["prod"]\n');
    fs.rmSync(repo.dir, { recursive: true });
});

test("phases split the ordered list: first is dev, last is prod, middle the rest", () => {
    const repo = repository();
    const base = repo.git("rev-parse", "HEAD").trim();
    repo.write("index.ts", "changed\n");
    repo.commit("program");
    assert.equal(matrix(repo.dir, "--changed", base, "--phase", "first").stdout, '["dev"]\n');
    assert.equal(matrix(repo.dir, "--changed", base, "--phase", "middle").stdout, '["eu-west"]\n');
    assert.equal(matrix(repo.dir, "--changed", base, "--phase", "last").stdout, '["prod"]\n');
    assert.deepEqual(phaseOf(["dev", "a", "b", "prod"], "middle"), ["a", "b"]);
    fs.rmSync(repo.dir, { recursive: true });
});

test("an unknown base ref or phase exits 2 with the step that fixes it", () => {
    const repo = repository();
    const unknown = matrix(repo.dir, "--changed", "origin/main");
    assert.equal(unknown.status, 2);
    assert.match(unknown.stderr, /fetch it, then run this again: git -C .* fetch --no-tags origin main/);
    const phase = matrix(repo.dir, "--phase", "middle-ish");
    assert.equal(phase.status, 2);
    assert.match(phase.stderr, /--phase must be one of first, middle, last, got "middle-ish"/);
    fs.rmSync(repo.dir, { recursive: true });
});

test("pure: tests, e2e and workflow edits deploy nothing; anything else is the program", () => {
    const stacks = ["dev", "prod"];
    const only = (file: string) => changedStacks(stacks, [{ status: "M", paths: [file] }]).stacks;
    for (const file of ["test/a.test.ts", "e2e/x.ts", ".github/workflows/up.yml", ".ci/run", "docs/a.md", "NOTES.md"]) {
        assert.deepEqual(only(file), [], file);
    }
    for (const file of ["render/x.ts", "tools/impact.ts", "policy/rules.ts", "Pulumi.yaml", "package.json", "inventory/a.ts"]) {
        assert.deepEqual(only(file), ["dev", "prod"], file);
    }
});
