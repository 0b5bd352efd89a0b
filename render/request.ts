import { CONFIG_NAMESPACE, StackFile } from "../inventory";
import { RenderRequest } from "./types";

/** Stands in for `secure:` values, which only the stack's secrets provider can decrypt. */
export const OFFLINE_SECRET = "offline-placeholder-secret";
const SEED_KEY = `${CONFIG_NAMESPACE}:credentialsSeed`;

/**
 * The config Pulumi would pass for a stack file. Secure values cannot be decrypted offline, so
 * each becomes a placeholder secret; a missing credentials seed gets one too, because setting it
 * is a per-stack secret step that only the real CLI can do (README: "Add a region").
 */
export function requestFromStackFile(file: StackFile, preview: boolean): RenderRequest {
    const config = { ...file.config };
    const secretKeys = [...file.secretKeys];
    for (const key of secretKeys) {
        config[key] = OFFLINE_SECRET;
    }
    if (!(SEED_KEY in config)) {
        config[SEED_KEY] = OFFLINE_SECRET;
        secretKeys.push(SEED_KEY);
    }
    return { stack: file.stack, config, secretKeys, preview };
}

