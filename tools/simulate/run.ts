/**
 * Runs the simulations with the AWS CLI: `aws` from PATH, one process per request through execFile
 * with an argv array (no shell, and nothing secret in argv: role ARNs, actions and tag values),
 * a few at a time so that IAM's request rate is not the limit of a large stack.
 */
import { execFile } from "child_process";
import type { Problem } from "../../inventory";
import { answerProblems, failureProblem } from "./decisions";
import { SimulationRequest, simulateArgv } from "./requests";

/** Runs `aws <argv>`, resolving its stdout; rejects with its stderr on a non-zero exit. */
export type AwsCli = (argv: readonly string[]) => Promise<string>;

/** IAM throttles bursts; four at a time keeps a stack of a thousand databases in minutes. */
export const CONCURRENCY = 4;

export const awsCli: AwsCli = (argv) => new Promise((resolve, reject) => {
    execFile("aws", [...argv], { maxBuffer: 16 * 1024 * 1024, env: { ...process.env, AWS_PAGER: "" } }, (error, stdout, stderr) => {
        if (error) {
            reject(new Error(`${stderr || error.message}`));
        } else {
            resolve(stdout);
        }
    });
});

/** One request's problems; `failed` when the CLI itself did not answer. */
async function simulateOne(request: SimulationRequest, cli: AwsCli): Promise<{ problems: Problem[]; failed?: string }> {
    let stdout: string;
    try {
        stdout = await cli(simulateArgv(request));
    } catch (error) {
        const message = (error as Error).message;
        return { problems: [failureProblem(request, message)], failed: message };
    }
    let answer: unknown;
    try {
        answer = JSON.parse(stdout);
    } catch {
        answer = stdout;
    }
    return { problems: answerProblems(request, answer) };
}

/**
 * Every problem of every request, in request order, whatever answered first. The first request
 * runs alone: when the CLI cannot run at all (not on PATH, no credentials), that one problem says
 * so instead of the same line once per request. A denial of the simulation (AccessDenied) may be
 * one role's, so it does not stop the others.
 */
export async function runSimulations(requests: readonly SimulationRequest[], cli: AwsCli = awsCli, concurrency = CONCURRENCY): Promise<Problem[]> {
    if (requests.length === 0) {
        return [];
    }
    const first = await simulateOne(requests[0], cli);
    if (first.failed !== undefined && !/AccessDenied|not authorized/i.test(first.failed)) {
        const [problem] = first.problems;
        return [{ ...problem, reason: `${problem.reason}; the other ${requests.length - 1} simulations were not run` }];
    }
    const found: Problem[][] = [first.problems];
    let next = 1;
    const worker = async () => {
        while (next < requests.length) {
            const i = next++;
            found[i] = (await simulateOne(requests[i], cli)).problems;
        }
    };
    await Promise.all(Array.from({ length: Math.min(concurrency, requests.length - 1) }, worker));
    return found.flat();
}
