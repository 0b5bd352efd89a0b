// fast-check 4's typings import "pure-rand/types/*", which pure-rand 8 declares only through
// package.json "exports"; the root tsconfig's `moduleResolution: "node"` ignores exports, so `tsc`
// fails inside node_modules. These ambient modules point at the same .d.ts files by path. Drop
// this file once the root tsconfig moves to "node16" (a decision for the tsconfig's owner).
declare module "pure-rand/types/RandomGenerator" {
    export type { RandomGenerator } from "pure-rand/lib/esm/types/RandomGenerator";
}
declare module "pure-rand/types/JumpableRandomGenerator" {
    export type { JumpableRandomGenerator } from "pure-rand/lib/types/JumpableRandomGenerator";
}
