#!/usr/bin/env node
// @ts-check
/**
 * `node tools/launch.js <tool> [args...]`: how `npm run synth|impact|bench` and `npx qdb` start.
 * It brings `.build/` up to date with the sources (tools/build.js), turns on Node's module
 * compile cache where Node has one, and runs the compiled tool as the main module, so each tool's
 * `require.main === module` entry works as under tsx. The tool's render children inherit both
 * (render/paths.ts). Plain JavaScript because it runs before anything is compiled.
 */
"use strict";
const Module = require("module");
const path = require("path");
const { ensureBuilt } = require("./build");

/** Each tool's entry module, relative to the project. */
const TOOLS = Object.freeze({
    synth: "tools/synth",
    impact: "tools/impact",
    bench: "tools/bench",
    qdb: "tools/qdb/main",
});

const PROJECT_DIR = path.resolve(__dirname, "..");

/**
 * Node's on-disk V8 code cache for every module this process and its children compile (Node
 * 22.1 and later; a no-op on Node 20). @pulumi/pulumi alone loads TypeScript's compiler, gRPC
 * and npm's arborist, several MB of JavaScript each render child would otherwise compile again.
 * The directory is Node's default (the OS temp dir), or NODE_COMPILE_CACHE when set; exporting
 * it makes the render children use it too.
 * @returns {string | undefined} the cache directory, when enabled
 */
function enableCompileCache() {
    const enable = /** @type {{ enableCompileCache?: () => { directory?: string } }} */ (/** @type {unknown} */ (Module)).enableCompileCache;
    if (typeof enable !== "function" || process.env.NODE_DISABLE_COMPILE_CACHE === "1") {
        return undefined;
    }
    const { directory } = enable();
    if (directory) {
        process.env.NODE_COMPILE_CACHE = directory;
    }
    return directory;
}

/**
 * Runs `tool` with `args` from the build, as if started with `node .build/<entry>.js args...`.
 * @param {string} tool
 * @param {readonly string[]} args
 */
function launch(tool, args) {
    const entry = Object.prototype.hasOwnProperty.call(TOOLS, tool) ? TOOLS[/** @type {keyof typeof TOOLS} */ (tool)] : undefined;
    if (!entry) {
        process.stderr.write(`launch: unknown tool "${tool}"; one of ${Object.keys(TOOLS).join(", ")}\n`);
        process.exitCode = 2;
        return;
    }
    enableCompileCache();
    const { buildDir } = ensureBuilt(PROJECT_DIR);
    process.argv = [process.argv[0], path.join(buildDir, `${entry}.js`), ...args];
    /** @type {{ runMain: () => void }} */ (/** @type {unknown} */ (Module)).runMain();
}

module.exports = { TOOLS, launch };

if (require.main === module) {
    launch(process.argv[2] ?? "", process.argv.slice(3));
}
