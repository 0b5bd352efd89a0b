// Pure helpers that hold the AWS actions a script called against an IAM policy document's Allow
// statements. Only the Action element is judged: Resource and Condition need IAM's own evaluation
// (the policy simulator, or IAM's action and condition-key database), which moto does not do.

interface Statement {
    readonly Effect?: string;
    readonly Action?: string | readonly string[];
    readonly NotAction?: unknown;
}

/** Every Action pattern of the document's Allow statements (`ec2:Describe*` kept as written). */
export function allowedActionPatterns(policy: string | { Statement?: Statement | readonly Statement[] }): string[] {
    const doc = typeof policy === "string" ? (JSON.parse(policy) as { Statement?: Statement | readonly Statement[] }) : policy;
    const statements = doc.Statement === undefined ? [] : Array.isArray(doc.Statement) ? doc.Statement : [doc.Statement as Statement];
    return statements.filter((s) => s.Effect === "Allow").flatMap((s) => (s.Action === undefined ? [] : typeof s.Action === "string" ? [s.Action] : [...s.Action]));
}

/** IAM's action matching: case-insensitive, `*` any run of characters, `?` one character. */
export function actionMatches(pattern: string, action: string): boolean {
    const re = pattern.split("").map((c) => (c === "*" ? ".*" : c === "?" ? "." : c.replace(/[.+^${}()|[\]\\]/g, "\\$&"))).join("");
    return new RegExp(`^${re}$`, "i").test(action);
}

/** The actions no Allow statement's Action matches, in the order given, each once. */
export function actionsNotAllowed(actions: Iterable<string>, policy: Parameters<typeof allowedActionPatterns>[0]): string[] {
    const patterns = allowedActionPatterns(policy);
    return [...new Set(actions)].filter((a) => !patterns.some((p) => actionMatches(p, a)));
}
