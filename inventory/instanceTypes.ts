// The enum module alone: loading all of @pulumi/aws would make `qdb` slow to start.
import { InstanceType } from "@pulumi/aws/types/enums/ec2";
import { Architecture } from "./types";

const KNOWN_INSTANCE_TYPES: ReadonlySet<string> = new Set(Object.values(InstanceType));

export function isKnownInstanceType(name: string): boolean {
    return KNOWN_INSTANCE_TYPES.has(name);
}

/**
 * Graviton families carry a "g" right after the generation digit (m7g, c6gn, r8gd, t4g, im4gn,
 * is4gen); a1 is the first Graviton. Everything else EKS runs is x86_64.
 */
export function architectureOf(instanceType: string): Architecture {
    const family = instanceType.split(".")[0];
    return family === "a1" || /^[a-z]+\d+g[a-z-]*$/.test(family) ? "arm64" : "x86_64";
}
