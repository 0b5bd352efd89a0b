/**
 * The one line the fault files print for CI's log (issue 25): the deployment half (interrupted
 * `up`s, e2e/engine) and the data half (acknowledged rows across killed databases). A file that
 * measures one half passes only that half; the other prints as `n/a`.
 */
export interface FaultsFigures {
    /** `up`s killed at one of their kill points. */
    readonly interruptedUps?: number;
    /** Of those, how many converged after the runbook's recovery. */
    readonly converged?: number;
    /** Objects the program names that existed twice or outside the state after recovery. */
    readonly orphans?: number;
    /** Rows whose write the database acknowledged before or between its kills. */
    readonly acknowledgedRows?: number;
    /** Of those, how many were missing after the restarts. */
    readonly lostRows?: number;
}

const figure = (n: number | undefined) => (n === undefined ? "n/a" : String(n));

/** `faults: <n> interrupted ups, <n> converged, <k> orphaned objects; <m> acknowledged rows, <l> lost`. */
export function formatFaultsSummary({ interruptedUps, converged, orphans, acknowledgedRows, lostRows }: FaultsFigures): string {
    return `faults: ${figure(interruptedUps)} interrupted ups, ${figure(converged)} converged, ${figure(orphans)} orphaned objects; `
        + `${figure(acknowledgedRows)} acknowledged rows, ${figure(lostRows)} lost`;
}
