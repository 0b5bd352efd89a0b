/**
 * Where the project is, and where its code runs from. Tests (and `tsx tools/x.ts`) run the
 * TypeScript sources through tsx; the tools' launcher (tools/launch.js) runs the compiled copy in
 * `.build/`, which holds the same modules at the same relative paths (tools/build.js). This module
 * loads nothing heavy: the tools' parent processes import it without the Pulumi SDK.
 */
import * as path from "path";

/** The build directory under the project; tools/build.js writes it (gitignored). */
export const BUILD_DIR_NAME = ".build";
/** The directory this code runs from: the project itself, or its compiled copy. */
export const CODE_DIR = path.resolve(__dirname, "..");
/** True when running the compiled copy in .build/ rather than the sources under tsx. */
export const RUNS_FROM_BUILD = path.basename(CODE_DIR) === BUILD_DIR_NAME;
/** The project: package.json, Pulumi.yaml and the stack files. */
export const PROJECT_DIR = RUNS_FROM_BUILD ? path.dirname(CODE_DIR) : CODE_DIR;
/** The program's entry module, without extension: index.ts under tsx, index.js in the build. */
export const MAIN_PROGRAM = path.join(CODE_DIR, "index");

/**
 * Node's arguments to run one of the project's modules (`modulePath` relative to the project,
 * without extension) as a child process's entry, the way this process runs: compiled, or under tsx.
 */
export function entryArgs(modulePath: string): string[] {
    return RUNS_FROM_BUILD
        ? [path.join(CODE_DIR, `${modulePath}.js`)]
        : ["--import", "tsx", path.join(CODE_DIR, `${modulePath}.ts`)];
}
