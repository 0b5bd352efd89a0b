import * as crypto from "crypto";
import * as pulumi from "@pulumi/pulumi";

export const ADMIN_USER = "admin";

/**
 * A password derived from the region's secret seed: the same seed and id give the same password
 * on every run, so nothing random lands in state, and no second secret store is needed.
 */
export function derivePassword(seed: string, id: string, purpose: "http" | "pg"): string {
    return crypto.createHmac("sha256", seed).update(`questdb-cloud/${id}/${purpose}`).digest("base64url");
}

export interface Credentials {
    readonly httpPassword: pulumi.Output<string>;
    readonly pgPassword: pulumi.Output<string>;
}

export function databaseCredentials(seed: pulumi.Input<string>, id: string): Credentials {
    const secretSeed = pulumi.secret(seed);
    return {
        httpPassword: secretSeed.apply((s) => derivePassword(s, id, "http")),
        pgPassword: secretSeed.apply((s) => derivePassword(s, id, "pg")),
    };
}
