#!/usr/bin/env node
// Launcher for tools/qdb/main.ts. `npm ci` links this package (a `file:` devDependency) into
// node_modules/.bin, which is the only place `npx qdb` looks. tsx compiles the TypeScript on the
// fly; it is resolved from the project's node_modules, next to this package's real path.
"use strict";
const path = require("path");
require("tsx/cjs/api").register();
const { run } = require(path.join(__dirname, "..", "qdb", "main.ts"));
const io = { out: (text) => console.log(text), err: (text) => console.error(text) };
run(process.argv.slice(2), io).then((code) => {
    process.exitCode = code;
});
