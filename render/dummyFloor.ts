/**
 * The SDK's floor for `npm run bench`: N trivial custom resources with constant inputs. Rendered
 * under the same mocks as the real program, it shows what a resource costs before any provider
 * schema, any input payload or any of our code is involved.
 */
import * as pulumi from "@pulumi/pulumi";

class Dummy extends pulumi.CustomResource {
    constructor(name: string) {
        super("bench:index:Dummy", name, { value: "constant", size: 1 });
    }
}

export function registerDummies(count: number): void {
    for (let i = 0; i < count; i++) {
        new Dummy(`dummy-${i}`);
    }
}
