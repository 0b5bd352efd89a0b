/**
 * The exit codes qdb, synth and impact share, so that one kind of failure reads the same from
 * every tool (docs/offline-tools.md, "Exit codes"). Most severe first where a tool can see several.
 */
export const EXIT_CODES = {
    ok: 0,
    /** Anything else: a schema violation, a refused qdb edit, a failed render. */
    failed: 1,
    /** The stack file is not valid config (malformed YAML, a field the validator refuses, no such file), or the command line is wrong. */
    config: 2,
    /** impact: a data volume (or its PV/PVC) would be deleted or replaced. */
    dataAtRisk: 3,
    /** impact: more databases touched than --max-databases. */
    tooManyDatabases: 4,
    /** The program refuses the change against what is deployed (checkTransitions): `pulumi preview` would fail. */
    refused: 5,
} as const;
