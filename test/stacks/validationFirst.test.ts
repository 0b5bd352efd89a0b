import assert from "node:assert/strict";
import { test } from "node:test";
import { RenderError, renderInChild } from "../../render";
import { requestFromStackFile } from "../../render/request";
import { parseStackFile } from "../../inventory";
import { stringify } from "yaml";
import { shippedStackBody } from "../support/stacks";
import { runProgramCatchingError } from "../support/recordingRun";

test("a config error fails the program before any resource is registered", async () => {
    const body = shippedStackBody("prod");
    (body.config["questdb-cloud:databases"] as Record<string, unknown>[])[5].volume = { sizeGiB: 99999 };
    const { error, registeredTypes } = await runProgramCatchingError(body);
    assert.match(String(error), /stack "prod", database "stark-telemetry": volume\.sizeGiB = 99999/);
    assert.deepEqual(registeredTypes, ["pulumi:pulumi:Stack"]);
});

test("a render of a bad config reports the validation messages as a config error", async () => {
    const body = shippedStackBody("dev");
    (body.config["questdb-cloud:databases"] as Record<string, unknown>[])[0].availabilityZone = "eu-west-1c";
    const file = parseStackFile(stringify(body), "Pulumi.dev.yaml", "dev");
    await assert.rejects(renderInChild(requestFromStackFile(file, false)), (err: unknown) => {
        assert.ok(err instanceof RenderError && err.configError);
        assert.match(err.message, /stack "dev", database "sandbox-a": availabilityZone = "eu-west-1c": has no subnet/);
        return true;
    });
});
