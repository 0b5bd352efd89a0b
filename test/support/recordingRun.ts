import * as path from "path";
import * as pulumi from "@pulumi/pulumi";
import { stringify } from "yaml";
import { parseStackFile } from "../../inventory";
import { MockCluster, RecordingMocks } from "../../render/mocks";
import { requestFromStackFile } from "../../render/request";
import { PROJECT_DIR, runProgram } from "../../render/inProcess";

/**
 * Runs the program in this process with recording mocks and returns the error it threw along
 * with every type registered before it. Call once per test file: the mock runtime is global.
 */
export async function runProgramCatchingError(body: unknown, cluster: Partial<MockCluster> = {}): Promise<{ error: unknown; registeredTypes: string[]; invokes: RecordingMocks["calls"] }> {
    const file = parseStackFile(stringify(body), "Pulumi.prod.yaml", "prod");
    const request = requestFromStackFile(file, false);
    const mocks = new RecordingMocks(false, {}, cluster);
    pulumi.runtime.setAllConfig(request.config, request.secretKeys);
    await pulumi.runtime.setMocks(mocks, "questdb-cloud", request.stack, false, "organization");
    let error: unknown;
    await pulumi.runtime.runInPulumiStack(async () => {
        try {
            return await runProgram(path.join(PROJECT_DIR, "index.ts"));
        } catch (err) {
            error = err;
            return {};
        }
    });
    return { error, registeredTypes: mocks.records.map((r) => r.type), invokes: mocks.calls };
}
