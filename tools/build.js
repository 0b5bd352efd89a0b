// @ts-check
/**
 * Compiles the project's TypeScript once into `.build/` (gitignored), the same modules at the same
 * relative paths, for the tools to run from (tools/launch.js): transpiling with tsx in every
 * process cost each render child its start-up. It is a transpile of the same sources, with the
 * same esbuild tsx uses, so the tools run the same program and the same mocks: no second copy
 * that could drift. Types are checked by `npm run typecheck`, not here.
 *
 * `ensureBuilt` is the freshness check every launch runs: it lists the sources and compares each
 * one's mtime and size with the manifest of the last build (a few ms for ~80 files). A file whose
 * stat changed is compared by content hash and recompiled only when its content changed; a
 * deleted source loses its output. A new esbuild, tsconfig.json or builder rebuilds everything.
 * Plain JavaScript because it runs before anything is compiled.
 */
"use strict";
const crypto = require("crypto");
const fs = require("fs");
const path = require("path");

/** Keep in step with BUILD_DIR_NAME in render/paths.ts. */
const BUILD_DIR_NAME = ".build";
const MANIFEST = "manifest.json";
/** What the tools need: the program and everything under these directories. */
const SOURCE_ROOTS = ["index.ts", "components", "inventory", "render", "stacks", "tools"];
/**
 * Files the program reads at run time next to its modules (the backup and drill scripts that
 * components ship in ConfigMaps): linked into the build, so the build reads the sources' copy.
 */
const ASSET_ROOTS = ["scripts"];

/** @param {string} file */
const sha256 = (file) => crypto.createHash("sha256").update(fs.readFileSync(file)).digest("hex");

/**
 * Every TypeScript source the tools run, as paths relative to the project, sorted.
 * @param {string} projectDir
 * @returns {string[]}
 */
function sourceFiles(projectDir) {
    /** @type {string[]} */
    const found = [];
    /** @param {string} rel */
    const visit = (rel) => {
        const stat = fs.statSync(path.join(projectDir, rel), { throwIfNoEntry: false });
        if (stat?.isDirectory()) {
            for (const entry of fs.readdirSync(path.join(projectDir, rel))) {
                if (entry !== "node_modules") {
                    visit(path.join(rel, entry));
                }
            }
        } else if (stat?.isFile() && rel.endsWith(".ts") && !rel.endsWith(".d.ts")) {
            found.push(rel);
        }
    };
    SOURCE_ROOTS.forEach(visit);
    return found.sort();
}

/**
 * What every output depends on besides its own source: the compiler, the compiler options, and
 * this builder. A change in any of them rebuilds everything.
 * @param {string} projectDir
 */
function buildKey(projectDir) {
    const esbuildVersion = require("esbuild/package.json").version;
    const hash = crypto.createHash("sha256");
    hash.update(`esbuild ${esbuildVersion}\n`);
    hash.update(fs.readFileSync(path.join(projectDir, "tsconfig.json")));
    hash.update(fs.readFileSync(__filename));
    return hash.digest("hex");
}

/**
 * @typedef {{ mtimeMs: number, size: number, sha: string }} SourceStamp
 * @typedef {{ key: string, files: Record<string, SourceStamp> }} Manifest
 */

/** @param {string} buildDir @returns {Manifest | undefined} */
function readManifest(buildDir) {
    try {
        return JSON.parse(fs.readFileSync(path.join(buildDir, MANIFEST), "utf8"));
    } catch {
        return undefined;
    }
}

/**
 * Writes through a temporary file and a rename, so that another process running from the build
 * (two test files, two terminals) never reads half a module.
 * @param {string} file @param {string | Uint8Array} contents
 */
function writeAtomically(file, contents) {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    const tmp = `${file}.${process.pid}.${crypto.randomBytes(4).toString("hex")}.tmp`;
    fs.writeFileSync(tmp, contents);
    fs.renameSync(tmp, file);
}

/**
 * Transpiles `sources` (relative paths) into the build directory, each with a linked source map.
 * @param {string} projectDir @param {string} buildDir @param {string[]} sources
 */
function compile(projectDir, buildDir, sources) {
    const esbuild = require("esbuild");
    const result = esbuild.buildSync({
        entryPoints: sources.map((rel) => path.join(projectDir, rel)),
        outdir: buildDir,
        outbase: projectDir,
        bundle: false,
        platform: "node",
        format: "cjs",
        target: "es2022",
        sourcemap: "linked",
        sourcesContent: false,
        tsconfig: path.join(projectDir, "tsconfig.json"),
        write: false,
        logLevel: "silent",
    });
    for (const out of result.outputFiles) {
        writeAtomically(out.path, out.contents);
    }
}

/**
 * Makes `.build/` match the sources, compiling only what changed. Returns the build directory
 * and the sources compiled this time (empty when the build was fresh).
 * @param {string} projectDir
 * @returns {{ buildDir: string, compiled: string[] }}
 */
function ensureBuilt(projectDir) {
    const buildDir = path.join(projectDir, BUILD_DIR_NAME);
    const previous = readManifest(buildDir);
    const key = buildKey(projectDir);
    const old = previous?.key === key ? previous.files : {};
    /** @type {Record<string, SourceStamp>} */
    const files = {};
    /** @type {string[]} */
    const stale = [];
    for (const rel of sourceFiles(projectDir)) {
        const { mtimeMs, size } = fs.statSync(path.join(projectDir, rel));
        const was = old[rel];
        if (was && was.mtimeMs === mtimeMs && was.size === size) {
            files[rel] = was;
            continue;
        }
        const sha = sha256(path.join(projectDir, rel));
        files[rel] = { mtimeMs, size, sha };
        if (!was || was.sha !== sha || !fs.existsSync(outputOf(buildDir, rel))) {
            stale.push(rel);
        }
    }
    const removed = Object.keys(previous?.files ?? {}).filter((rel) => !(rel in files));
    for (const rel of removed) {
        fs.rmSync(outputOf(buildDir, rel), { force: true });
        fs.rmSync(`${outputOf(buildDir, rel)}.map`, { force: true });
    }
    if (stale.length > 0) {
        compile(projectDir, buildDir, stale);
    }
    const changed = stale.length > 0 || removed.length > 0 || previous?.key !== key ||
        Object.keys(files).some((rel) => files[rel] !== old[rel]);
    if (changed) {
        writeAtomically(path.join(buildDir, MANIFEST), JSON.stringify({ key, files }, null, 1));
    }
    linkAssets(projectDir, buildDir);
    return { buildDir, compiled: stale };
}

/** @param {string} link @returns {string | undefined} */
function linkTarget(link) {
    try {
        return fs.readlinkSync(link);
    } catch {
        return undefined;
    }
}

/** @param {string} projectDir @param {string} buildDir */
function linkAssets(projectDir, buildDir) {
    for (const rel of ASSET_ROOTS) {
        const link = path.join(buildDir, rel);
        const target = path.relative(buildDir, path.join(projectDir, rel));
        if (linkTarget(link) !== target) {
            fs.rmSync(link, { recursive: true, force: true });
            fs.mkdirSync(buildDir, { recursive: true });
            fs.symlinkSync(target, link);
        }
    }
}

/** @param {string} buildDir @param {string} rel a source path, e.g. render/cli.ts */
function outputOf(buildDir, rel) {
    return path.join(buildDir, rel.replace(/\.ts$/, ".js"));
}

module.exports = { ASSET_ROOTS, BUILD_DIR_NAME, SOURCE_ROOTS, ensureBuilt, outputOf, sourceFiles };
