/**
 * Builds (or finds in the cache) every component of the real-engine tier, outside any test's
 * timeout: e2e/support/run.sh runs it before the test files, so a slow first build on a busy
 * machine is bounded by CI's own limit, not by node's per-file test timeout.
 */
import { ensureComponents } from "./components";

ensureComponents().catch((err: unknown) => {
    console.error(err);
    process.exitCode = 1;
});
