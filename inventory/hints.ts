/**
 * The commands that fixes print, whole, so that an operator can run them as printed: `flag` is
 * how the command names the stack file (`--stack prod`, or `--config-file <path>` when qdb was
 * given a file), and every command starts from a fresh clone (`npx qdb`).
 */

/** A qdb command on one database: `npx qdb <verb> <flag> <id>`, in backticks. */
export function qdbCommand(verb: string, flag: string, id: string): string {
    return `\`npx qdb ${verb} ${flag} ${id}\``;
}

/** The stack file a hint's flag names: `--stack prod` is Pulumi.prod.yaml, `--config-file <path>` the path. */
export function fileOfFlag(flag: string): string {
    const [option, value] = [flag.slice(0, flag.indexOf(" ")), flag.slice(flag.indexOf(" ") + 1)];
    return option === "--stack" ? `Pulumi.${value}.yaml` : value;
}

/** A word as a shell reads it back: quoted unless it is plain. */
export function shellWord(word: string): string {
    return /^[\w@%+=:,./-]+$/.test(word) ? word : `'${word.replace(/'/g, "'\\''")}'`;
}

/** A `key=value` word as a shell reads it back. */
export function shellAssignment(key: string, value: unknown): string {
    return shellWord(`${key}=${String(value)}`);
}

/**
 * The command that sets a stack's credentials seed, in backticks: what the program's refusal and
 * qdb's note both print. The seed is random, read by the CLI as a secret, never typed.
 */
export function credentialsSeedCommand(stack: string): string {
    return `\`pulumi config set --secret questdb-cloud:credentialsSeed "$(openssl rand -base64 32)" --stack ${shellWord(stack)}\``;
}
