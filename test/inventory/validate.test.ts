import assert from "node:assert/strict";
import { test } from "node:test";
import { InventoryError, RawStackConfig, validateInventory } from "../../inventory";
import { formatValue } from "../../inventory/problems";
import { rawConfigOf, shippedStackBody } from "../support/stacks";

type Entry = Record<string, unknown>;

/** The shipped prod config, with a test's edit applied to a deep copy. */
function prodWith(edit: (region: Entry, databases: Entry[], raw: { awsRegion: unknown }) => void): RawStackConfig {
    const body = structuredClone(shippedStackBody("prod"));
    const raw = { ...rawConfigOf(body, "prod") };
    edit(raw.region as Entry, raw.databases as Entry[], raw);
    return raw;
}

function problemsOf(raw: RawStackConfig): InventoryError {
    try {
        validateInventory(raw);
    } catch (err) {
        assert.ok(err instanceof InventoryError, `expected InventoryError, got ${String(err)}`);
        return err;
    }
    assert.fail("validation passed, but a problem was expected");
}

/** Asserts one problem for this database and field, and that the message carries everything. */
function assertProblem(err: InventoryError, where: string, field: string, fragments: RegExp[]): void {
    const problem = err.problems.find((p) => p.where === where && p.field === field);
    assert.ok(problem, `no problem for ${where} ${field}; got:\n${err.message}`);
    const line = err.message.split("\n").find((l) => l.includes(`${where}: ${field} =`));
    assert.ok(line, `message does not name ${where} and ${field}:\n${err.message}`);
    assert.match(line, /^ {2}- stack "prod", /);
    assert.match(line, /Fix: /);
    for (const fragment of fragments) {
        assert.match(line, fragment);
    }
}

test("the shipped prod config validates, with region defaults merged field by field", () => {
    const inventory = validateInventory(rawConfigOf(shippedStackBody("prod"), "prod"));
    assert.equal(inventory.databases.length, 12);
    const stark = inventory.databases.find((d) => d.id === "stark-telemetry");
    assert.deepEqual(stark?.volume, { sizeGiB: 750, iops: 3000, throughputMiBps: 125 });
    const globex = inventory.databases.find((d) => d.id === "globex-ticks");
    assert.equal(globex?.architecture, "arm64");
    assert.equal(globex?.subnetId, "subnet-0aa11bb22cc33dd02");
    assert.equal(inventory.region.maxDatabases, 30);
});

test("a missing id is reported by position", () => {
    const err = problemsOf(prodWith((_, dbs) => delete dbs[2].id));
    assertProblem(err, "database #3 (no valid id)", "id", [/\(missing\)/, /this field is required/, /DNS label/]);
});

test("an unknown field is rejected with a did-you-mean", () => {
    const err = problemsOf(prodWith((_, dbs) => (dbs[0].instnceType = "m7i.large")));
    assertProblem(err, 'database "acme-analytics"', "instnceType", [/"m7i.large"/, /not a known field/, /did you mean instanceType\?/]);
});

test("an unknown field inside a nested block names its full path", () => {
    const err = problemsOf(prodWith((region) => ((region.defaults as Entry).volume = { sizeGB: 10 })));
    assertProblem(err, "region", "defaults.volume.sizeGB", [/10/, /did you mean defaults\.volume\.sizeGiB\?/]);
});

test("a blank key is quoted in the message, with the known fields instead of a guess", () => {
    const err = problemsOf(prodWith((region, dbs) => {
        dbs[0][""] = 5;
        (region.defaults as Entry).volume = { ...((region.defaults as Entry).volume as Entry), " ": "x" };
    }));
    assert.ok(err.problems.some((p) => p.where === 'database "acme-analytics"' && p.field === ""), err.message);
    assert.match(err.message, /stack "prod", database "acme-analytics": "" = 5: is not a known field\. Fix: remove it; known fields here are id, /);
    assert.match(err.message, /stack "prod", region: defaults\.volume\." " = "x": is not a known field/);
    assert.doesNotMatch(err.message, /did you mean/);
});

test("a hole in the databases list is reported by position, like any entry that is not a map", () => {
    const raw = prodWith(() => undefined);
    const [first, ...rest] = raw.databases as Entry[];
    const withHoles: (Entry | undefined)[] = [first, , ...rest]; // eslint-disable-line no-sparse-arrays
    withHoles.length += 1;
    const err = problemsOf({ ...raw, databases: withHoles });
    assert.equal(err.problems.length, 2, err.message);
    assertProblem(err, "database #2 (no valid id)", "(entry)", [/\(missing\)/, /expected an object/]);
    assertProblem(err, `database #${withHoles.length} (no valid id)`, "(entry)", [/expected an object/]);
});

test("a value JSON cannot print (a BigInt) is still reported, not a crash while reporting", () => {
    const err = problemsOf(prodWith((_, dbs) => (dbs[0].volume = { sizeGiB: BigInt(5) })));
    assertProblem(err, 'database "acme-analytics"', "volume.sizeGiB", [/volume\.sizeGiB = 5:/]);
});

test("formatValue prints anything a config could hold, a cycle included, and never throws", () => {
    const cycle: Entry = {};
    cycle.self = cycle;
    assert.equal(formatValue(cycle), "[object Object]");
    assert.equal(formatValue({ n: BigInt(7) }), '{"n":7}');
    assert.equal(formatValue(undefined), "(missing)");
    assert.equal(formatValue(Symbol("s")), "Symbol(s)");
});

test("a duplicate id is rejected", () => {
    const err = problemsOf(prodWith((_, dbs) => (dbs[3].id = "acme-analytics")));
    assertProblem(err, 'database "acme-analytics"', "id", [/appears more than once/, /unique id/]);
});

test("an id that is not a DNS label is rejected", () => {
    const err = problemsOf(prodWith((_, dbs) => (dbs[1].id = "Globex_Ticks")));
    assertProblem(err, 'database "Globex_Ticks"', "id", [/"Globex_Ticks"/, /wrong format/, /DNS label/]);
});

test("an id too long for the names derived from it is rejected with the longest allowed", () => {
    const id = "a-very-long-customer-database-name-x";
    const err = problemsOf(prodWith((_, dbs) => (dbs[1].id = id)));
    assertProblem(err, `database "${id}"`, "id", [/is 36 characters/, /EKS node group name/, /at most 32 characters/]);
});

test("an availability zone without a subnet is rejected, listing the valid ones", () => {
    const err = problemsOf(prodWith((_, dbs) => (dbs[0].availabilityZone = "us-east-1f")));
    assertProblem(err, 'database "acme-analytics"', "availabilityZone", [/"us-east-1f"/, /no subnet/, /us-east-1a, us-east-1b, us-east-1c/]);
});

test("a subnet in another region is rejected", () => {
    const err = problemsOf(prodWith((region) => ((region.subnets as Entry)["eu-west-1a"] = "subnet-0123456789abcdef0")));
    assertProblem(err, "region", "subnets.eu-west-1a", [/not in this stack's region us-east-1/]);
});

test("an instance type that @pulumi/aws does not know is rejected", () => {
    const err = problemsOf(prodWith((_, dbs) => (dbs[4].instanceType = "c7i.huge")));
    assertProblem(err, 'database "hooli-events"', "instanceType", [/"c7i.huge"/, /not an EC2 instance type known to @pulumi\/aws/]);
});

test("volume size, IOPS and throughput outside gp3's limits are each rejected", () => {
    const err = problemsOf(prodWith((_, dbs) => (dbs[1].volume = { sizeGiB: 20000, iops: 2000, throughputMiBps: 1200 })));
    assertProblem(err, 'database "globex-ticks"', "volume.sizeGiB", [/20000/, /1 to 16384 GiB/]);
    assertProblem(err, 'database "globex-ticks"', "volume.iops", [/2000/, /3000 to 16000 IOPS/]);
    assertProblem(err, 'database "globex-ticks"', "volume.throughputMiBps", [/1200/, /125 to 1000 MiB\/s/]);
});

test("gp3's IOPS-per-GiB and throughput-per-IOPS ratios are enforced on the merged volume", () => {
    const err = problemsOf(prodWith((_, dbs) => {
        dbs[0].volume = { sizeGiB: 10, iops: 6000 };
        dbs[1].volume = { sizeGiB: 500, iops: 3000, throughputMiBps: 1000 };
    }));
    assertProblem(err, 'database "acme-analytics"', "volume.iops", [/500 IOPS per GiB/, /lower iops to 5000 or raise sizeGiB to at least 12/]);
    assertProblem(err, 'database "globex-ticks"', "volume.throughputMiBps", [/0.25 MiB\/s per IOPS/, /lower throughputMiBps to 750 or raise iops to at least 4000/]);
});

test("more databases than maxDatabases are rejected", () => {
    const err = problemsOf(prodWith((region) => (region.maxDatabases = 5)));
    // oldcorp-archive is decommissioned: it holds no node group and does not count.
    assertProblem(err, "region", "maxDatabases", [/= 5/, /lists 11 databases that hold a node group/, /new region stack/]);
});

test("server.conf keys the program manages, or credentials, are refused", () => {
    const err = problemsOf(prodWith((_, dbs) => (dbs[0].serverConf = { "pg.password": "hunter2", "http.bind.to": "0.0.0.0:1" })));
    assertProblem(err, 'database "acme-analytics"', "serverConf.pg.password", [/Pulumi secrets/]);
    assertProblem(err, 'database "acme-analytics"', "serverConf.http.bind.to", [/managed by the program/]);
});

test("a missing region, aws:region or credentials seed is reported with the command that fixes it", () => {
    const err = problemsOf({ stack: "prod", awsRegion: undefined, region: undefined, databases: [], hasCredentialsSeed: false });
    assertProblem(err, "region", "questdb-cloud:credentialsSeed", [/pulumi config set --secret questdb-cloud:credentialsSeed "\$\(openssl rand -base64 32\)" --stack prod`/]);
    assertProblem(problemsOf(prodWith((_, __, raw) => (raw.awsRegion = undefined))), "region", "aws:region", [/run `pulumi config set aws:region <region> --stack prod`/]);
    assertProblem(err, "region", "questdb-cloud:region", [/clusterName/]);
});

test("every problem is listed at once, not just the first", () => {
    const err = problemsOf(prodWith((region, dbs) => {
        dbs[0].availabilityZone = "us-east-1z";
        dbs[1].instanceType = "nope.large";
        dbs[2].volume = { sizeGiB: 0 };
        dbs[3].colour = "blue";
        (region.ingress as Entry).className = "";
    }));
    assert.equal(err.problems.length, 5, err.message);
    assert.match(err.message, /^Stack "prod" config has 5 problems; nothing was changed:/);
    assert.equal(err.message.split("\n").length, 6);
});

test("fleet-wide checks run even when entries have problems of their own: one run lists everything", () => {
    const err = problemsOf(prodWith((region, dbs) => {
        region.maxDatabases = 5;
        // Both copies of the duplicate id carry a problem of their own, and a third entry too.
        dbs[0].volume = { sizeGiB: 0 };
        dbs[3].id = "acme-analytics";
        dbs[3].colour = "blue";
        dbs[5].state = "sleeping";
        (dbs[6] as Entry).adopt = { nodeGroupName: "legacy-ng" };
        dbs[6].state = "decommissioned";
        dbs[6].instanceType = "nope.large";
    }));
    assertProblem(err, 'database "acme-analytics"', "volume.sizeGiB", [/= 0/]);
    assertProblem(err, 'database "acme-analytics"', "id", [/appears more than once/]);
    assertProblem(err, 'database "acme-analytics"', "colour", [/not a known field/]);
    // 12 entries, one decommissioned by the edit and one before it; the unreadable state counts.
    assertProblem(err, "region", "maxDatabases", [/= 5/, /lists 10 databases that hold a node group/]);
    assertProblem(err, 'database "wayne-finance"', "adopt.nodeGroupName", [/decommissioned database has no node group/]);
});

test("validation is pure: the same input gives the same output", () => {
    const raw = rawConfigOf(shippedStackBody("prod"), "prod");
    assert.deepEqual(validateInventory(raw), validateInventory(structuredClone(raw)));
});

test("lifecycle fields: unknown state, channel conflicts, backup schedule and adopt ids are checked", () => {
    const err = problemsOf(prodWith((region, dbs) => {
        dbs[0].state = "sleeping";
        delete dbs[1].questdbVersion;
        dbs[1].channel = "beta";
        dbs[2].channel = "stable";
        dbs[4].backup = { schedule: "daily", retainDays: 0 };
        dbs[5].adopt = { volumeId: "vol-nothex", dnsRecord: "yes" };
        (region.channels as Entry).Canary = "8.2.4";
    }));
    assertProblem(err, 'database "acme-analytics"', "state", [/"sleeping"/, /one of active, paused, decommissioned/]);
    assertProblem(err, 'database "globex-ticks"', "channel", [/"beta"/, /not a channel of this region/, /stable, canary/]);
    assertProblem(err, 'database "initech-metrics"', "channel", [/together with questdbVersion "8\.1\.4"/, /either pin questdbVersion or follow a channel/]);
    assertProblem(err, 'database "hooli-events"', "backup.schedule", [/"daily"/, /DLM cron expression/]);
    assertProblem(err, 'database "hooli-events"', "backup.retainDays", [/= 0/, /1 to 3650 days/]);
    assertProblem(err, 'database "stark-telemetry"', "adopt.volumeId", [/"vol-nothex"/, /EBS volume id/]);
    assertProblem(err, 'database "stark-telemetry"', "adopt.dnsRecord", [/"yes"/, /true or false/]);
    assertProblem(err, "region", "channels.Canary", [/not a channel name/]);
});

test("a database follows its channel unless it pins a version, and decommissioned ones hold no node group", () => {
    const inventory = validateInventory(prodWith((region, dbs) => {
        region.maxDatabases = 11;
        dbs.find((d) => d.id === "acme-analytics")!.channel = "canary";
    }));
    const byId = new Map(inventory.databases.map((d) => [d.id, d]));
    assert.equal(byId.get("acme-analytics")?.questdbVersion, "9.3.4");
    assert.equal(byId.get("initech-metrics")?.questdbVersion, "8.1.4");
    assert.equal(byId.get("globex-ticks")?.questdbVersion, "8.2.3");
    assert.equal(inventory.databases.length, 12);
});

test("issue 17.3: cairo.root is managed, the enabled switches are dangerous, control characters are refused; every problem at once", () => {
    const err = problemsOf(prodWith((_, dbs) => {
        dbs[0].serverConf = {
            "cairo.root": "/tmp/data",
            "http.enabled": false,
            "pg.enabled": false,
            "line.tcp.enabled": false,
            "a.b": "x\npg.password=hunter2",
            "query.timeout.sec": "60\r",
        };
    }));
    assertProblem(err, 'database "acme-analytics"', "serverConf.cairo.root", [/= "\/tmp\/data"/, /EBS volume/, /emptyDir/, /Fix: remove it/]);
    for (const key of ["http.enabled", "pg.enabled", "line.tcp.enabled"]) {
        assertProblem(err, 'database "acme-analytics"', `serverConf.${key}`, [/= false/, /dangerous key/, new RegExp(`allowDangerousServerConf`)]);
    }
    assertProblem(err, 'database "acme-analytics"', "serverConf.a.b", [/control character/, /one line/]);
    assertProblem(err, 'database "acme-analytics"', "serverConf.query.timeout.sec", [/control character/]);
    assert.equal(err.problems.length, 6, err.message);
});

test("issue 17.3: allowDangerousServerConf opts one database into a dangerous key; it lists only dangerous keys", () => {
    const ok = validateInventory(prodWith((_, dbs) => {
        dbs[0].serverConf = { "pg.enabled": false };
        dbs[0].allowDangerousServerConf = ["pg.enabled"];
    }));
    assert.equal(ok.databases[0].serverConf["pg.enabled"], "false");
    const err = problemsOf(prodWith((_, dbs) => {
        dbs[0].allowDangerousServerConf = ["query.timeout.sec", "cairo.root"];
        dbs[1].allowDangerousServerConf = "pg.enabled";
        dbs[1].serverConf = { "pg.enabled": false };
    }));
    assertProblem(err, 'database "acme-analytics"', "allowDangerousServerConf.0", [/= "query.timeout.sec"/, /not a dangerous server.conf key/, /pg.enabled/]);
    assertProblem(err, 'database "acme-analytics"', "allowDangerousServerConf.1", [/= "cairo.root"/]);
    assertProblem(err, 'database "globex-ticks"', "allowDangerousServerConf", [/expected a list/]);
});
