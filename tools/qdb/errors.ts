/**
 * An expected failure: a bad argument, a refused edit, an invalid file. The entry point prints
 * its message to stderr and exits non-zero, without a stack trace; anything else is a bug and
 * keeps its trace.
 */
export class QdbError extends Error {
    constructor(message: string, readonly exitCode = 1) {
        super(message);
        this.name = "QdbError";
    }
}

/** Exit code for a command line that could not be understood (as in BSD sysexits' EX_USAGE). */
export const USAGE_EXIT = 2;
