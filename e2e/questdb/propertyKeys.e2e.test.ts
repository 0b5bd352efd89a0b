// Issue 26.7: every server.conf key list the program ships (inventory/questdbKeys/) is exactly what
// its QuestDB release jar says: the keys of io.questdb.PropertyKey and the validator's deprecated
// and obsolete settings. A list that drifts fails here with the command that rewrites it.
import assert from "node:assert/strict";
import * as fs from "fs";
import { describe, it } from "node:test";
import { SHIPPED_KEY_LISTS } from "../../inventory/questdbKeys";
import { generatedKeyList, keyListFile, keyListModule } from "./propertyKeys";
import { requireJava } from "./install";

const REWRITE = "npx tsx e2e/questdb/propertyKeys.ts";

describe("issue 26.7: the shipped server.conf key lists are the release jars'", () => {
    for (const shipped of SHIPPED_KEY_LISTS) {
        it(`QuestDB ${shipped.version}`, async () => {
            await requireJava();
            const fromJar = await generatedKeyList(shipped.version);
            const missing = fromJar.keys.filter((k) => !shipped.keys.includes(k));
            const extra = shipped.keys.filter((k) => !fromJar.keys.includes(k));
            assert.deepEqual({ missing, extra }, { missing: [], extra: [] }, `the shipped ${shipped.version} list differs from the jar's keys: run \`${REWRITE} ${shipped.version}\``);
            assert.deepEqual(shipped, fromJar, `deprecated or obsolete settings differ: run \`${REWRITE} ${shipped.version}\``);
            assert.equal(fs.readFileSync(keyListFile(shipped.version), "utf8"), keyListModule(fromJar), `the file is not as generated: run \`${REWRITE} ${shipped.version}\``);
        });
    }
});
