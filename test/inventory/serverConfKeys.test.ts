/** Issue 26.7: server.conf keys are checked against the key list of the QuestDB version a database runs. */
import assert from "node:assert/strict";
import { test } from "node:test";
import { InventoryError, RawStackConfig, validateInventory } from "../../inventory";
import { SHIPPED_KEY_LISTS, keysOf } from "../../inventory/questdbKeys";
import { KEY_LIST_VERSIONS } from "../../inventory/questdbKeys/keyList";
import { rawConfigOf, shippedStackBody } from "../support/stacks";

type Entry = Record<string, unknown>;

function prodWith(edit: (region: Entry, databases: Entry[]) => void): RawStackConfig {
    const raw = { ...rawConfigOf(structuredClone(shippedStackBody("prod")), "prod") };
    edit(raw.region as Entry, raw.databases as Entry[]);
    return raw;
}

function lineOf(raw: RawStackConfig, where: string, field: string): string {
    try {
        validateInventory(raw);
    } catch (err) {
        assert.ok(err instanceof InventoryError, String(err));
        const line = err.message.split("\n").find((l) => l.includes(`${where}: ${field} =`));
        assert.ok(line, `no problem for ${where} ${field}:\n${err.message}`);
        return line;
    }
    assert.fail("validation passed, but a problem was expected");
}

const ACME = 'database "acme-analytics"';

test("a misspelled key is refused with did you mean, naming the version and the list that stands in", () => {
    const line = lineOf(prodWith((_, dbs) => {
        dbs[0].serverConf = { "cairo.max.uncomitted.rows": 500000 };
    }), ACME, "serverConf.cairo.max.uncomitted.rows");
    assert.match(line, /^ {2}- stack "prod", database "acme-analytics": serverConf\.cairo\.max\.uncomitted\.rows = 500000: /);
    assert.match(line, /is not a server\.conf key of QuestDB 8\.2\.3 \(QuestDB 8\.2\.3 has no shipped key list; 8\.2\.0's, the nearest lower, stands in\)/);
    assert.match(line, /did you mean cairo\.max\.uncommitted\.rows\?/);
    assert.match(line, /Fix: rename it to cairo\.max\.uncommitted\.rows, or remove it; .*allowUnknownServerConf/);
});

test("the version that judges is the database's own: pinned, channel or region default", () => {
    // A key 8.1.4 knows and 9.3.4 does not (not a managed one: those are refused before the list is asked).
    const key = SHIPPED_KEY_LISTS[0].keys.find((k) => !keysOf("9.3.4").known.has(k) && !k.startsWith("cairo.sql.backup"))!;
    assert.ok(key, "8.1.4 knows a key 9.3.4 does not");
    validateInventory(prodWith((_, dbs) => {
        dbs[2].serverConf = { [key]: 1 }; // initech-metrics pins 8.1.4
    }));
    const line = lineOf(prodWith((region, dbs) => {
        (region.channels as Entry).stable = "9.3.4";
        dbs[0].serverConf = { [key]: 1 }; // acme-analytics follows stable
    }), ACME, `serverConf.${key}`);
    assert.match(line, /is not a server\.conf key of QuestDB 9\.3\.4[:;]/);
    assert.doesNotMatch(line, /stands in/, "9.3.4 has its own list");
});

test("a version newer than every list is judged by the newest, and says so; an obsolete key gets QuestDB's note", () => {
    const newest = SHIPPED_KEY_LISTS[SHIPPED_KEY_LISTS.length - 1];
    const [obsolete, note] = Object.entries(newest.obsolete)[0];
    const line = lineOf(prodWith((_, dbs) => {
        dbs[0].channel = undefined;
        dbs[0].questdbVersion = "10.1.0";
        dbs[0].serverConf = { [obsolete]: 1 };
    }), ACME, `serverConf.${obsolete}`);
    assert.match(line, new RegExp(`QuestDB 10\\.1\\.0 is newer than every shipped key list; ${newest.version.replace(/\./g, "\\.")}'s stands in`));
    assert.ok(line.includes(`QuestDB no longer reads it (${note})`), line);
});

test("allowUnknownServerConf admits a deliberate unknown key, and lists only keys the version does not know", () => {
    const ok = validateInventory(prodWith((_, dbs) => {
        dbs[0].serverConf = { "my.experimental.key": "on" };
        dbs[0].allowUnknownServerConf = ["my.experimental.key"];
    }));
    assert.equal(ok.databases[0].serverConf["my.experimental.key"], "on");
    const known = lineOf(prodWith((_, dbs) => {
        dbs[0].allowUnknownServerConf = ["cairo.max.uncommitted.rows"];
    }), ACME, "allowUnknownServerConf.0");
    assert.match(known, /= "cairo\.max\.uncommitted\.rows": is a known key of QuestDB 8\.2\.0; it needs no override\. Fix: remove it from allowUnknownServerConf/);
    assert.match(lineOf(prodWith((_, dbs) => {
        dbs[0].allowUnknownServerConf = "my.key";
    }), ACME, "allowUnknownServerConf"), /expected a list of server\.conf keys/);
    assert.match(lineOf(prodWith((_, dbs) => {
        dbs[0].allowUnknownServerConf = [7];
    }), ACME, "allowUnknownServerConf.0"), /= 7: is not a server\.conf key/);
});

test("the shipped lists are the versions KEY_LIST_VERSIONS names, oldest first, each sorted with no duplicate", () => {
    assert.deepEqual(SHIPPED_KEY_LISTS.map((l) => l.version), [...KEY_LIST_VERSIONS]);
    for (const list of SHIPPED_KEY_LISTS) {
        assert.deepEqual([...list.keys], [...new Set(list.keys)].sort(), list.version);
        assert.ok(list.keys.length > 400, `${list.version} has ${list.keys.length} keys`);
        for (const key of Object.keys(list.deprecated)) {
            assert.ok(list.keys.includes(key), `${list.version}: deprecated ${key} is still a key`);
        }
    }
    assert.equal(keysOf("8.2.4").list.version, "8.2.0");
    assert.equal(keysOf("9.1.0").list.version, "9.0.3");
    assert.equal(keysOf("7.4.2").list.version, "8.1.4");
    assert.match(keysOf("7.4.2").standIn ?? "", /older than every shipped key list/);
    assert.equal(keysOf("9.0.3").standIn, undefined);
});
