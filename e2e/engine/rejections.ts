/**
 * The Automation API's inline program runs in the test's own process. When the engine ends an
 * update (`up --plan` included), the SDK's pending registrations of that run (the Stack
 * resource's outputs among them) reject with "Resource monitor is terminating", after the test
 * that ran it has ended, and the Automation API's language server has already removed its own
 * unhandledRejection handler (`@pulumi/pulumi/automation/server.js`, `run`). Under `node --test`
 * they fail the file after every test passed. This passes every other rejection on to the test
 * runner's own listeners, unchanged, so nothing else is hidden.
 */
const TERMINATING = /Resource monitor is terminating/;

export function absorbMonitorTermination(): void {
    const runner = process.listeners("unhandledRejection");
    process.removeAllListeners("unhandledRejection");
    process.on("unhandledRejection", (reason, promise) => {
        if (reason instanceof Error && TERMINATING.test(reason.message)) {
            return;
        }
        runner.forEach((listener) => listener(reason, promise));
    });
}
