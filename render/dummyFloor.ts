/**
 * The SDK's floor for `npm run bench`: a program that registers N trivial custom resources with
 * constant inputs, N read from config `bench:resources`. Rendered under the same mocks as the real
 * program, it shows what each resource costs before any of our code runs.
 */
import * as pulumi from "@pulumi/pulumi";

class Dummy extends pulumi.CustomResource {
    constructor(name: string) {
        super("bench:index:Dummy", name, { value: "constant", size: 1 });
    }
}

const count = Number(new pulumi.Config("bench").require("resources"));
for (let i = 0; i < count; i++) {
    new Dummy(`dummy-${i}`);
}
