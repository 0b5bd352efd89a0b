#!/usr/bin/env node
// Launcher for tools/qdb/main.ts. `npm ci` links this package (a `file:` devDependency) into
// node_modules/.bin, which is the only place `npx qdb` looks. It runs qdb the way every tool
// runs (tools/launch.js): from the compiled copy in .build/, rebuilt first when a source changed.
// Node resolves this file's real path, so __dirname is tools/qdb-bin in the project.
"use strict";
const path = require("path");
require(path.join(__dirname, "..", "launch.js")).launch("qdb", process.argv.slice(2));
