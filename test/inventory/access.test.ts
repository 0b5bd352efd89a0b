/**
 * Endpoint config: allowlists (`access.allowedCidrs`, region `defaults.access`), the gateway and
 * ingress blocks, `dnsTarget`, the query timeout the HTTP path follows, and the migration error
 * a region written before allowlists gets.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { DEFAULTS, InventoryError, RawStackConfig, cidrProblem, httpLimits, validateInventory } from "../../inventory";
import { rawConfigOf, shippedStackBody } from "../support/stacks";

type Entry = Record<string, any>;

function prodWith(edit: (region: Entry, databases: Entry[]) => void): RawStackConfig {
    const raw = rawConfigOf(structuredClone(shippedStackBody("prod")), "prod");
    edit(raw.region as Entry, raw.databases as Entry[]);
    return raw;
}

function problemsOf(raw: RawStackConfig): InventoryError {
    try {
        validateInventory(raw);
    } catch (err) {
        assert.ok(err instanceof InventoryError, String(err));
        return err;
    }
    assert.fail("validation passed, but a problem was expected");
}

function line(err: InventoryError, where: string, field: string): string {
    const found = err.message.split("\n").find((l) => l.includes(`${where}: ${field} =`));
    assert.ok(found, `no line for ${where} ${field}:\n${err.message}`);
    assert.match(found, /^ {2}- stack "prod", /);
    return found;
}

test("a database's allowlist overrides the region default, and a missing one inherits it", () => {
    const inventory = validateInventory(rawConfigOf(shippedStackBody("prod"), "prod"));
    const byId = (id: string) => inventory.databases.find((d) => d.id === id);
    assert.deepEqual(inventory.region.defaults.access.allowedCidrs, ["0.0.0.0/0", "::/0"]);
    assert.deepEqual(byId("acme-analytics")?.access.allowedCidrs, ["0.0.0.0/0", "::/0"]);
    assert.deepEqual(byId("wayne-finance")?.access.allowedCidrs, ["198.51.100.0/24", "203.0.113.16/28"]);
    assert.deepEqual(byId("stark-replay")?.access.allowedCidrs, []);
});

test("every bad CIDR is an error naming the database, the entry, the value and the fix, all in one run", () => {
    const err = problemsOf(prodWith((_, dbs) => {
        dbs[0].access = { allowedCidrs: ["10.1.2.3/16", "203.0.113.0/24", "not-a-cidr", 42, "203.0.113.0/24", "10.0.0.0/33"] };
        dbs[1].access = { allowedCidrs: "10.0.0.0/8" };
        dbs[2].access = { allowedCidr: ["10.0.0.0/8"] };
    }));
    assert.match(line(err, 'database "acme-analytics"', "access.allowedCidrs[0]"), /"10\.1\.2\.3\/16".*host bits set.*"10\.1\.0\.0\/16"/);
    assert.match(line(err, 'database "acme-analytics"', "access.allowedCidrs[2]"), /"not-a-cidr".*is not a CIDR.*203\.0\.113\.0\/24/);
    assert.match(line(err, 'database "acme-analytics"', "access.allowedCidrs[3]"), /42.*expected a CIDR string/);
    assert.match(line(err, 'database "acme-analytics"', "access.allowedCidrs[4]"), /listed twice/);
    assert.match(line(err, 'database "acme-analytics"', "access.allowedCidrs[5]"), /prefix longer than 32/);
    assert.match(line(err, 'database "globex-ticks"', "access.allowedCidrs"), /expected a list of CIDRs.*\[\] for no external access/);
    assert.match(line(err, 'database "initech-metrics"', "access.allowedCidr"), /did you mean access\.allowedCidrs\?/);
});

test("a region written before allowlists fails with the migration fix, not with an open or closed guess", () => {
    const err = problemsOf(prodWith((region) => delete region.defaults.access));
    const text = line(err, "region", "defaults.access");
    assert.match(text, /required/);
    assert.match(text, /\["0\.0\.0\.0\/0"\] keeps the open access/);
    assert.match(text, /\[\] allows no external access/);
});

test("a region with the legacy ingress block alone stays valid and points DNS at the ingress", () => {
    const inventory = validateInventory(rawConfigOf(structuredClone(shippedStackBody("prod")), "prod"));
    assert.equal(inventory.region.dnsTarget, "ingress");
    const legacy = validateInventory(prodWith((region) => {
        delete region.gateway;
        delete region.dnsTarget;
    }));
    assert.equal(legacy.region.dnsTarget, "ingress");
    assert.equal(legacy.region.gateway, undefined);
});

test("gateway defaults come from DEFAULTS, and a region with a gateway points DNS at it unless told otherwise", () => {
    const inventory = validateInventory(prodWith((region) => delete region.dnsTarget));
    assert.equal(inventory.region.dnsTarget, "gateway");
    const { gateway } = inventory.region;
    assert.equal(gateway?.namespace, DEFAULTS.gateway.namespace);
    assert.equal(gateway?.httpsListener, "websecure");
    assert.equal(gateway?.postgresEntryPoint, "postgres");
    assert.equal(gateway?.className, undefined, "prod references an existing Gateway");
});

test("endpoint blocks: none at all, a dnsTarget without its block, and a bad gateway are reported together", () => {
    const none = problemsOf(prodWith((region) => {
        delete region.gateway;
        delete region.ingress;
        delete region.dnsTarget;
    }));
    assert.match(line(none, "region", "gateway"), /neither gateway nor ingress is set/);
    const err = problemsOf(prodWith((region) => {
        delete region.ingress;
        region.gateway.clusterIssuer = "Not_A_Name";
        region.gateway.httpsPort = 70000;
        region.gateway.httpListener = "websecure";
    }));
    assert.match(line(err, "region", "dnsTarget"), /points DNS at ingress, but the region has no ingress block.*set dnsTarget to gateway/);
    assert.match(line(err, "region", "gateway.clusterIssuer"), /wrong format/);
    assert.match(line(err, "region", "gateway.httpsPort"), /outside the allowed range/);
    assert.match(line(err, "region", "gateway.httpListener"), /did you mean gateway\.httpsListener\?/);
});

test("query.timeout.sec must be a positive number, because the HTTP path's timeout follows it", () => {
    const err = problemsOf(prodWith((_, dbs) => {
        dbs[0].serverConf = { "query.timeout.sec": "soon" };
        dbs[1].serverConf = { "query.timeout.sec": 0 };
    }));
    assert.match(line(err, 'database "acme-analytics"', "serverConf.query.timeout.sec"), /positive number of seconds/);
    assert.match(line(err, 'database "globex-ticks"', "serverConf.query.timeout.sec"), /positive number of seconds/);
});

test("httpLimits: uploads of at least 1 GiB; the timeout is the query timeout plus a margin, never under the floor", () => {
    const { maxBodyBytes, timeoutSeconds } = httpLimits({});
    assert.ok(maxBodyBytes >= 1024 ** 3);
    assert.ok(timeoutSeconds >= 60 + 30, "QuestDB's own 60 s default plus a margin");
    assert.equal(timeoutSeconds, DEFAULTS.http.minTimeoutSec);
    assert.equal(httpLimits({ "query.timeout.sec": "900" }).timeoutSeconds, 960);
    assert.equal(httpLimits({ "query.timeout.sec": "90.5" }).timeoutSeconds, DEFAULTS.http.minTimeoutSec);
    assert.equal(httpLimits({ "query.timeout.sec": "3600" }).timeoutSeconds, 3660);
    for (const seconds of [1, 59, 240, 241, 1000, 86_400]) {
        const limit = httpLimits({ "query.timeout.sec": String(seconds) }).timeoutSeconds;
        assert.ok(limit >= seconds + DEFAULTS.http.timeoutMarginSec && limit >= DEFAULTS.http.minTimeoutSec, `${seconds} -> ${limit}`);
    }
});

test("cidrProblem: IPv4 and IPv6 networks pass; hosts bits, bare addresses and long prefixes do not", () => {
    for (const ok of ["0.0.0.0/0", "10.0.0.0/8", "198.51.100.7/32", "::/0", "2001:db8::/32", "2001:db8::1/128", "::ffff:10.0.0.0/104"]) {
        assert.equal(cidrProblem(ok), undefined, ok);
    }
    assert.match(cidrProblem("10.0.0.1/8")?.fix ?? "", /"10\.0\.0\.0\/8"/);
    assert.match(cidrProblem("2001:db8::1/32")?.fix ?? "", /"2001:db8::\/32"/);
    assert.match(cidrProblem("10.0.0.1")?.reason ?? "", /not a CIDR/);
    assert.match(cidrProblem("10.0.0.0/40")?.reason ?? "", /longer than 32/);
    assert.match(cidrProblem("2001:db8::/129")?.reason ?? "", /longer than 128/);
    assert.match(cidrProblem("999.0.0.0/8")?.reason ?? "", /not a CIDR/);
});
