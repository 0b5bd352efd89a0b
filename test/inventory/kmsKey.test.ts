// Issue 27.2: an alias (or bare key id) in volumeKmsKeyId would replace every protected volume on
// every later preview (EBS reads back the key ARN); the validator refuses it with the command
// that prints the key ARN.
import assert from "node:assert/strict";
import { test } from "node:test";
import { InventoryError, validateInventory } from "../../inventory";
import { rawConfigOf, shippedStackBody } from "../support/stacks";

function withKey(key: unknown): ReturnType<typeof rawConfigOf> {
    const body = structuredClone(shippedStackBody("prod"));
    (body.config["questdb-cloud:region"] as Record<string, unknown>).volumeKmsKeyId = key;
    return rawConfigOf(body, "prod");
}

function problemLine(key: unknown): string {
    try {
        validateInventory(withKey(key));
    } catch (err) {
        assert.ok(err instanceof InventoryError, String(err));
        assert.equal(err.problems.length, 1, err.message);
        assert.deepEqual([err.problems[0].where, err.problems[0].field, err.problems[0].value], ["region", "volumeKmsKeyId", key]);
        return err.message.split("\n")[1];
    }
    assert.fail(`volumeKmsKeyId ${String(key)} was accepted`);
}

test("a key ARN of the stack's region is accepted as it is", () => {
    const arn = "arn:aws:kms:us-east-1:444455556666:key/0c7e6f3a-1b2c-4d5e-8f90-123456789abc";
    assert.equal(validateInventory(withKey(arn)).region.volumeKmsKeyId, arn);
    const mrk = "arn:aws:kms:us-east-1:444455556666:key/mrk-1234abcd12ab34cd56ef1234567890ab";
    assert.equal(validateInventory(withKey(mrk)).region.volumeKmsKeyId, mrk);
});

test("an alias ARN is refused with the exact describe-key command that prints the key ARN", () => {
    const line = problemLine("arn:aws:kms:us-east-1:444455556666:alias/questdb-volumes");
    assert.match(line, /^ {2}- stack "prod", region: volumeKmsKeyId = "arn:aws:kms:us-east-1:444455556666:alias\/questdb-volumes": is an alias/);
    assert.match(line, /every data volume would be replaced on every later preview/);
    assert.ok(line.includes("Fix: set region.volumeKmsKeyId to the key ARN that `aws kms describe-key --key-id alias/questdb-volumes --region us-east-1 --query KeyMetadata.Arn --output text` prints."), line);
});

test("a bare alias and a bare key id are refused the same way", () => {
    assert.match(problemLine("alias/questdb-volumes"), /is an alias.*`aws kms describe-key --key-id alias\/questdb-volumes --region us-east-1 --query KeyMetadata.Arn --output text`/);
    assert.match(problemLine("0c7e6f3a-1b2c-4d5e-8f90-123456789abc"),
        /is not a key ARN.*`aws kms describe-key --key-id 0c7e6f3a-1b2c-4d5e-8f90-123456789abc --region us-east-1 --query KeyMetadata.Arn --output text`/);
});

test("a key of another region is refused: EBS needs the key in the volumes' region", () => {
    assert.match(problemLine("arn:aws:kms:eu-west-1:444455556666:key/0c7e6f3a-1b2c-4d5e-8f90-123456789abc"),
        /is a key of eu-west-1, but EBS needs a key in the volumes' region us-east-1. Fix: set region.volumeKmsKeyId to the ARN of a key in us-east-1/);
});
