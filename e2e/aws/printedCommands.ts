/**
 * The AWS CLI commands inside a printed fix. The program's preflight fixes are sentences with
 * commands in them ("install it: aws eks create-addon ..., then aws iam ..."); a command ends
 * where the sentence goes on, outside quotes: at "; ", ", then ", " (", a closing ")" or the end.
 */
const ENDINGS = ["; ", ", then ", " (", ")"];

/** Each `aws ...` command of `text`, in order, its quoting as printed. */
export function awsCommandsIn(text: string): string[] {
    const commands: string[] = [];
    for (const start of [...text.matchAll(/(?:^|[\s(:])(aws [a-z0-9-]+ [a-z0-9-]+)/g)].map((m) => (m.index ?? 0) + m[0].indexOf(m[1]))) {
        commands.push(commandFrom(text, start));
    }
    return commands;
}

function commandFrom(text: string, start: number): string {
    let quote: string | undefined;
    for (let i = start; i < text.length; i++) {
        const c = text[i];
        if (quote !== undefined) {
            quote = c === quote ? undefined : quote;
        } else if (c === "'" || c === "\"") {
            quote = c;
        } else if (ENDINGS.some((e) => text.startsWith(e, i))) {
            return text.slice(start, i);
        }
    }
    return text.slice(start);
}
