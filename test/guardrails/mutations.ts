/**
 * Invalid values per database field: each breaks exactly one rule of that field (format, type,
 * range, gp3 ratio, managed, credential or dangerous server.conf key, control characters). Used to mutate one field of one valid
 * entry and check that the validator's problem names that field and that database.
 */
import fc from "fast-check";
import { Entry } from "./arbitraries";

export const INVALID_VALUES: Readonly<Record<string, readonly unknown[]>> = {
    id: ["Bad_Id", "", 42, "a".repeat(40), "-leading-dash", "trailing-", null],
    availabilityZone: ["eu-west-1z", "mars", 7, ""],
    instanceType: ["m7i.enormous", "notatype", 3, ""],
    volume: [{ sizeGiB: 0 }, { sizeGiB: 20_000 }, { sizeGiB: 100, iops: 100 }, { sizeGiB: 10, iops: 16_000 },
        { sizeGiB: 1000, iops: 3000, throughputMiBps: 1000 }, { sizeGiB: 1.5 }, "big", { sizeGiB: 100, colour: "red" }],
    questdbVersion: ["latest", 8, "8.2"],
    nodeImage: ["1.31", true, "1.31.3"],
    serverConf: [{ "http.password": "hunter2" }, { "http.bind.to": "0.0.0.0:1" }, { "Bad Key": 1 }, { "query.timeout.sec": [1] }, "x",
        { "cairo.root": "/tmp/db" }, { "pg.enabled": false }, { "a.b": "x\npg.password=y" }, { "a.b\n": 1 },
        { "cairo.max.uncomitted.rows": 1 }],
    allowDangerousServerConf: ["pg.enabled", ["cairo.root"], ["query.timeout.sec"], [7]],
    allowUnknownServerConf: ["my.key", ["cairo.max.uncommitted.rows"], [7], [""]],
    state: ["exploded", 1],
};

/** Where the validator reports an entry: by id when it is a non-empty string, else by position. */
export function whereOf(entry: Entry, index: number): string {
    return typeof entry.id === "string" && entry.id !== "" ? `database "${entry.id}"` : `database #${index + 1} (no valid id)`;
}

export interface Mutation {
    readonly databases: Entry[];
    readonly index: number;
    readonly field: string;
}

/** A valid fleet with one field of one entry set to an invalid value (or an unknown field added). */
export function mutationArb(valid: fc.Arbitrary<Entry[]>): fc.Arbitrary<Mutation> {
    return valid.chain((databases) => fc.record({
        index: fc.nat(databases.length - 1),
        field: fc.constantFrom(...Object.keys(INVALID_VALUES), "colour"),
        pick: fc.nat(),
    }).map(({ index, field, pick }) => {
        const copy = databases.map((d) => ({ ...d }));
        const values = INVALID_VALUES[field] ?? ["red"];
        copy[index][field] = values[pick % values.length];
        return { databases: copy, index, field };
    }));
}

/** A valid fleet of two or more where one entry takes another's id. */
export function duplicateIdArb(valid: fc.Arbitrary<Entry[]>): fc.Arbitrary<Mutation> {
    return valid.filter((d) => d.length >= 2).chain((databases) => fc.tuple(fc.nat(databases.length - 1), fc.nat(databases.length - 2))
        .map(([index, offset]) => {
            const copy = databases.map((d) => ({ ...d }));
            const other = (index + 1 + offset) % databases.length;
            copy[index].id = databases[other].id;
            return { databases: copy, index, field: "id" };
        }));
}
