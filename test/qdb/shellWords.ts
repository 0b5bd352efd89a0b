/** Printed commands as a shell reads them: the hints and docs-examples tests run them as written. */
import * as assert from "node:assert/strict";
import type { Spawned } from "./spawn";

/** Splits a printed command into words as sh would: spaces outside quotes, '…' and "…" kept whole. */
export function shellWords(command: string): string[] {
    const words: string[] = [];
    let word: string | undefined;
    for (let i = 0; i < command.length; i++) {
        const c = command[i];
        if (c === " ") {
            if (word !== undefined) {
                words.push(word);
            }
            word = undefined;
        } else if (c === "'" || c === "\"") {
            const end = command.indexOf(c, i + 1);
            assert.ok(end > i, `unbalanced ${c} in ${command}`);
            word = (word ?? "") + command.slice(i + 1, end);
            i = end;
        } else {
            word = (word ?? "") + c;
        }
    }
    return word === undefined ? words : [...words, word];
}

/** The commands a message suggests: every backticked span that is a command line. */
export function suggestedCommands(message: string): string[] {
    const spans = [...message.matchAll(/`([^`]+)`/g)].map((m) => m[1]);
    // `pulumi preview` alone names what the engine will do; a hint to run pulumi carries arguments.
    const commands = spans.filter((s) => /^(npx qdb|npm run|qdb|git|chmod|pulumi|aws) /.test(s) && !/^pulumi (preview|up)$/.test(s));
    for (const c of commands) {
        assert.doesNotMatch(c, /^qdb /, `a bare \`qdb\` does not run from a fresh clone; print \`npx qdb\`: ${c}`);
    }
    return commands;
}

/**
 * Runs every command `message` suggests, in order, with `run`; each must exit `expected` (0 unless
 * said). Returns the commands, so a test can check which ways out it was given.
 */
export function followHints(message: string, run: (command: string) => Spawned, expected: (command: string) => number = () => 0): string[] {
    const commands = suggestedCommands(message);
    assert.ok(commands.length > 0, `no command in:\n${message}`);
    for (const command of commands) {
        const result = run(command);
        assert.equal(result.code, expected(command), `${command}\n${result.out}\n${result.err}`);
    }
    return commands;
}
