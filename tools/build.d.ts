/** Types of tools/build.js (plain JavaScript: it runs before anything is compiled). */
/** The build directory under the project. */
export declare const BUILD_DIR_NAME: string;
/** The files and directories whose TypeScript sources are compiled. */
export declare const SOURCE_ROOTS: readonly string[];
/** Makes `<projectDir>/.build/` match the sources; `compiled` lists the sources compiled this time. */
export declare function ensureBuilt(projectDir: string): { buildDir: string; compiled: string[] };
/** The compiled file of a source path relative to the project (e.g. render/cli.ts). */
export declare function outputOf(buildDir: string, rel: string): string;
/** Every TypeScript source the tools run, relative to the project, sorted. */
export declare function sourceFiles(projectDir: string): string[];
