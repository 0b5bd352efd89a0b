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

/**
 * A public token that changes whenever the seed does, so a rotation rolls the pod. It is an HMAC
 * under the secret seed of a message that is no password's, so it reveals nothing about the seed
 * or the passwords (an HMAC output does not let anyone recompute another), unlike a plain or
 * unsalted hash of a password, which a dictionary could reverse.
 */
export function credentialsVersion(seed: string, id: string): string {
    return crypto.createHmac("sha256", seed).update(`questdb-cloud/${id}/credentials-version`).digest("hex").slice(0, 32);
}

export interface Credentials {
    readonly httpPassword: pulumi.Output<string>;
    readonly pgPassword: pulumi.Output<string>;
    /** Not secret by design (see credentialsVersion): the pod template carries it in plain text. */
    readonly version: pulumi.Output<string>;
}

export function databaseCredentials(seed: pulumi.Input<string>, id: string): Credentials {
    const secretSeed = pulumi.secret(seed);
    return {
        httpPassword: secretSeed.apply((s) => derivePassword(s, id, "http")),
        pgPassword: secretSeed.apply((s) => derivePassword(s, id, "pg")),
        version: pulumi.unsecret(secretSeed.apply((s) => credentialsVersion(s, id))),
    };
}
