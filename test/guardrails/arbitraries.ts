/**
 * fast-check generators of inventories, built from valid pieces: a shipped region (so the region
 * half is whatever the team ships) and databases whose every field is drawn from its valid range.
 * Runs are deterministic: every fc.assert in test/guardrails passes a fixed seed.
 */
import fc from "fast-check";
import { GP3, isKnownInstanceType } from "../../inventory";
import { shippedStackBody } from "../support/stacks";

export type Entry = Record<string, unknown>;
export type Body = { config: Record<string, unknown> };

/** The region every generated inventory lives in: the shipped dev stack, databases removed. */
export const BASE_STACK = "dev";

export function baseBody(): Body {
    const body = shippedStackBody(BASE_STACK);
    return { config: { ...body.config, "questdb-cloud:databases": [] } };
}

export function withDatabases(databases: Entry[]): Body {
    const body = baseBody();
    body.config["questdb-cloud:databases"] = databases;
    return body;
}

const region = () => baseBody().config["questdb-cloud:region"] as { subnets: Record<string, string>; maxDatabases?: number };

/** Instance types the tests use; each is checked against @pulumi/aws's list when this loads. */
export const INSTANCE_TYPES = ["t3.large", "t4g.large", "m7i.xlarge", "m7g.xlarge", "r7g.2xlarge", "c7i.2xlarge"];
for (const type of INSTANCE_TYPES) {
    if (!isKnownInstanceType(type)) throw new Error(`test instance type ${type} is not known to @pulumi/aws`);
}

/** DNS labels of at most 20 characters. */
export const idArb = fc.stringMatching(/^[a-z]([a-z0-9-]{0,18}[a-z0-9])?$/);

/**
 * A gp3 volume inside every limit and ratio. The size is always set: a lone iops or throughput
 * could break a ratio against the region's default size, which is an invalid entry, not a valid
 * one. For the same reason iops is only left out when the throughput fits gp3's baseline iops.
 */
export const volumeArb = fc.integer({ min: 6, max: GP3.maxSizeGiB }).chain((sizeGiB) =>
    fc.integer({ min: GP3.minIops, max: Math.min(GP3.maxIops, sizeGiB * GP3.maxIopsPerGiB) }).chain((iops) =>
        fc.tuple(
            fc.integer({ min: GP3.minThroughputMiBps, max: Math.min(GP3.maxThroughputMiBps, Math.floor(iops * GP3.maxThroughputPerIops)) }),
            fc.boolean(), fc.boolean(),
        ).map(([throughputMiBps, keepIops, keepThroughput]) => {
            const volume: Entry = { sizeGiB, iops, throughputMiBps };
            if (!keepThroughput) delete volume.throughputMiBps;
            const baselineFits = !keepThroughput || throughputMiBps <= GP3.minIops * GP3.maxThroughputPerIops;
            if (!keepIops && baselineFits) delete volume.iops;
            return volume;
        })));

const versionArb = fc.tuple(fc.nat(20), fc.nat(20), fc.nat(20)).map((v) => v.join("."));
const nodeImageArb = fc.tuple(fc.nat(3), fc.integer({ min: 25, max: 33 }), fc.nat(9), fc.integer({ min: 20240101, max: 20251231 }))
    .map(([a, b, c, d]) => `${a}.${b}.${c}-${d}`);
/** query.timeout.sec is a positive number of seconds (the HTTP path's timeout follows it); other keys take any plain value. */
const serverConfArb = fc.tuple(
    fc.dictionary(
        fc.constantFrom("cairo.max.uncommitted.rows", "line.tcp.writer.worker.count", "cairo.wal.enabled.default"),
        fc.oneof(fc.integer({ min: 1, max: 1_000_000 }), fc.boolean()), { maxKeys: 2 }),
    fc.option(fc.integer({ min: 1, max: 100_000 }), { nil: undefined }),
).map(([conf, timeout]) => (timeout === undefined ? conf : { ...conf, "query.timeout.sec": timeout }));

/** Valid allowlists, the empty one (no external access) included. */
export const CIDRS = ["0.0.0.0/0", "203.0.113.0/24", "198.51.100.7/32", "10.0.0.0/8", "2001:db8::/32", "::/0"];
const accessArb = fc.subarray(CIDRS).map((allowedCidrs) => ({ allowedCidrs }));

/** One valid database entry; optional fields are sometimes left to the region defaults. */
export function entryArb(): fc.Arbitrary<Entry> {
    return fc.record({
        id: idArb,
        availabilityZone: fc.constantFrom(...Object.keys(region().subnets)),
        instanceType: fc.constantFrom(...INSTANCE_TYPES),
        volume: volumeArb,
        questdbVersion: versionArb,
        nodeImage: nodeImageArb,
        serverConf: serverConfArb,
        state: fc.constant("active"),
        access: accessArb,
    }, { requiredKeys: ["id", "availabilityZone"] });
}

/** A valid fleet: unique ids, at most the region's maxDatabases. */
export function databasesArb(maxLength = 4): fc.Arbitrary<Entry[]> {
    const max = Math.min(maxLength, region().maxDatabases ?? 30);
    return fc.uniqueArray(entryArb(), { selector: (e) => e.id, minLength: 1, maxLength: max });
}
