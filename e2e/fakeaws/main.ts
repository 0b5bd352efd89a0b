/** Entry point of the fake `aws` plugin (see provider.ts); the engine starts it like any resource plugin. */
import * as provider from "@pulumi/pulumi/provider";
import { fakeAwsProvider } from "./provider";

const world = process.env.QDB_E2E_FAKEAWS_WORLD;
const version = process.env.QDB_E2E_FAKEAWS_VERSION;
if (!world || !version) {
    process.stderr.write("fake aws: QDB_E2E_FAKEAWS_WORLD and QDB_E2E_FAKEAWS_VERSION must be set\n");
    process.exit(1);
}
void provider.main(fakeAwsProvider(world, version), process.argv.slice(2));
