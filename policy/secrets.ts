/**
 * How a plain-text secret is recognised in a ConfigMap. Kept apart from the rules so that the
 * patterns can be read (and argued about) on their own, and tested without any resource.
 *
 * A key is sensitive when one of its segments (split on `.`, `_`, `-`) names a credential, or its
 * last segment is `key` (`api.key`, `aws_secret_access_key`). A mere `key` segment in the middle is
 * not enough: QuestDB has harmless keys such as `cairo.sql.map.key.capacity`.
 */

const SENSITIVE_SEGMENTS = new Set([
    "password", "passwd", "pwd", "secret", "secrets", "token", "tokens", "credential", "credentials", "apikey", "passphrase",
]);

/** Values that are secrets whatever key holds them. */
const SECRET_VALUES: readonly { readonly what: string; readonly pattern: RegExp }[] = [
    { what: "a private key", pattern: /-----BEGIN [A-Z ]*PRIVATE KEY-----/ },
    { what: "an AWS access key id", pattern: /\b(AKIA|ASIA)[0-9A-Z]{16}\b/ },
];

/** A `key=value` (or `key: value`) line, as in server.conf or a .properties file. */
const ASSIGNMENT = /^\s*([A-Za-z0-9_.-]+)\s*[=:]\s*(.*?)\s*$/;

export function isSensitiveKey(key: string): boolean {
    const segments = key.toLowerCase().split(/[._-]/).filter((s) => s !== "");
    return segments.some((s) => SENSITIVE_SEGMENTS.has(s)) || segments[segments.length - 1] === "key";
}

/**
 * Why `value`, stored under the data key `dataKey`, holds a secret in plain text; empty when it
 * does not. Empty values are fine: `http.password=` leaks nothing.
 */
export function plainTextSecrets(dataKey: string, value: string): string[] {
    const found: string[] = [];
    if (isSensitiveKey(dataKey) && value.trim() !== "") {
        found.push(`data key "${dataKey}" holds a credential`);
    }
    value.split(/\r?\n/).forEach((line, index) => {
        const match = ASSIGNMENT.exec(line);
        if (match && match[2] !== "" && isSensitiveKey(match[1])) {
            found.push(`"${dataKey}" line ${index + 1} sets ${match[1]}`);
        }
        for (const { what, pattern } of SECRET_VALUES) {
            if (pattern.test(line)) {
                found.push(`"${dataKey}" line ${index + 1} holds ${what}`);
            }
        }
    });
    return found;
}
