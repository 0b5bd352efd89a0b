// Issue 27.11: impact's AWS replacements against the Terraform provider's force-new attributes
// (shared/reference/aws-replace-on-change.json), for every AWS type the program registers; and
// the engine tier's fake plugin takes them from that file, not from impact.
import assert from "node:assert/strict";
import * as os from "node:os";
import { before, test } from "node:test";
import { FORCE_REPLACE } from "../../tools/impact/rules";
import { awsReplaceOnChange, sharedDir } from "../../e2e/fakeaws/replaceOnChange";
import { fakeAwsProvider } from "../../e2e/fakeaws/provider";
import { Render } from "../../render";
import { renderShippedStack } from "../support/stacks";

let prod: Render;
let dev: Render;
before(async () => {
    [prod, dev] = await Promise.all([renderShippedStack("prod"), renderShippedStack("dev")]);
});

test("for every AWS type the program registers, impact replaces on exactly the reference's properties", () => {
    const reference = awsReplaceOnChange();
    const types = [...new Set([...prod.resources, ...dev.resources].map((r) => r.type).filter((t) => t.startsWith("aws:")))].sort();
    assert.ok(types.length >= 7, types.join(", "));
    for (const type of types) {
        assert.ok(reference[type], `${type} is not in ${sharedDir()}/reference/aws-replace-on-change.json`);
        assert.deepEqual([...(FORCE_REPLACE[type] ?? [])].sort(), [...reference[type]].sort(), type);
    }
});

test("the shared directory is QDB_SHARED_DIR, else ../shared beside the checkout; a missing file fails naming both", () => {
    assert.equal(sharedDir({ QDB_SHARED_DIR: "/x/shared" }), "/x/shared");
    assert.match(sharedDir({}), /\/shared$/);
    assert.throws(() => awsReplaceOnChange(os.tmpdir()), /aws-replace-on-change.json is missing.*QDB_SHARED_DIR/);
});

test("the fake aws plugin replaces a Route53 record's type in place and a volume on multiAttachEnabled, as the reference says", async () => {
    const provider = fakeAwsProvider("/nonexistent/world.json", "0.0.0");
    const record = "urn:pulumi:dev::questdb-cloud::questdb-cloud:index:QuestDbDeployment$aws:route53/record:Record::a-dns";
    const olds = { fakeawsInputs: { name: "a.example.com", type: "CNAME", zoneId: "Z1" } };
    assert.deepEqual(await provider.diff!("r", record, olds, { name: "a.example.com", type: "A", zoneId: "Z1" }), { changes: true, replaces: [] });
    assert.deepEqual(await provider.diff!("r", record, olds, { name: "b.example.com", type: "CNAME", zoneId: "Z1" }), { changes: true, replaces: ["name"] });
    const volume = "urn:pulumi:dev::questdb-cloud::questdb-cloud:index:QuestDbDeployment$aws:ebs/volume:Volume::a-volume";
    assert.deepEqual(await provider.diff!("v", volume, { fakeawsInputs: { size: 20 } }, { size: 20, multiAttachEnabled: true }), { changes: true, replaces: ["multiAttachEnabled"] });
});
