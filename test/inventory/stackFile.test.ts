// A malformed stack file is one line that names the file, line and column and says what is
// wrong, ending with the reason, never with a dangling ":" (issue 26.6).
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { StackFileError, parseStackFile, yamlReason } from "../../inventory/stackFile";

const MALFORMED: Record<string, string> = {
    "compact nested mapping": "config:\n  bad: : x\n",
    "unclosed flow sequence": "config:\n  questdb-cloud:region:\n    clusterName: [a\n",
    "unterminated quote": "config:\n  a: \"unterminated\n",
    "mapping items out of column": "config:\n  - x\n  y: 1\n",
    "tab indentation": "config:\n\tq: 1\n",
};

describe("malformed YAML in a stack file", () => {
    for (const [what, text] of Object.entries(MALFORMED)) {
        it(`${what}: one line with file:line:col and the reason`, () => {
            assert.throws(() => parseStackFile(text, "Pulumi.x.yaml", "x"), (err: unknown) => {
                assert.ok(err instanceof StackFileError);
                assert.match(err.message, /^Pulumi\.x\.yaml:\d+:\d+: malformed YAML: \S/);
                assert.doesNotMatch(err.message, /\n/);
                assert.doesNotMatch(err.message, /[:\s]$/);
                assert.doesNotMatch(err.message, /at line \d+, column \d+/);
                return true;
            });
        });
    }

    it("keeps the reason's own words and drops only the position suffix yaml appends", () => {
        assert.equal(yamlReason("Missing closing \"quote at line 3, column 1:\n\n  a: \"x\n  ^\n"), "Missing closing \"quote");
        assert.equal(yamlReason("Tabs are not allowed as indentation"), "Tabs are not allowed as indentation");
    });
});
