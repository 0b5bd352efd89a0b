// The real-components tier's pure helpers, checked without a real server (npm test).
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { localRepositoryOf, nearestPublished, versionsInMetadata } from "../../e2e/questdb/versions";
import { configurationIssues, loopbackServerConf } from "../../e2e/questdb/server";
import { exposedMetrics } from "../../e2e/questdb/clients";
import { questDbLaunch } from "../../e2e/questdb/fromRender";
import { questdbMetricsOfDashboard, questdbMetricsOfRules } from "../../e2e/questdb/renderedMetrics";
import { renderShippedForE2e } from "../../e2e/support/render";
import { renderShippedStack } from "../support/stacks";
import { QUESTDB_METRICS, QUESTDB_METRIC_SINCE } from "../../components/monitoring/metrics";
import { derivePassword } from "../../components/deployment/credentials";
import { OFFLINE_SECRET } from "../../render";

const PUBLISHED = ["6.5.2-jdk8", "7.4.2", "8.1.4", "8.2.0", "9.0.1", "9.0.3", "9.3.4"];

describe("which Maven Central release stands in for a version", () => {
    it("takes the version itself when published", () => {
        assert.equal(nearestPublished("8.1.4", PUBLISHED), "8.1.4");
    });
    it("takes the newest earlier release of the same minor line, then of the same major", () => {
        assert.equal(nearestPublished("8.2.3", PUBLISHED), "8.2.0");
        assert.equal(nearestPublished("8.3.1", PUBLISHED), "8.2.0");
        assert.equal(nearestPublished("9.0.2", PUBLISHED), "9.0.1");
    });
    it("takes the oldest later release of the same major when none is earlier, never another major", () => {
        assert.equal(nearestPublished("9.0.0", PUBLISHED), "9.0.1");
        assert.throws(() => nearestPublished("10.0.0", PUBLISHED), /no published org.questdb:questdb release of major 10/);
        assert.throws(() => nearestPublished("latest", PUBLISHED), /not a release number/);
    });
    it("reads the version list of maven-metadata.xml", () => {
        assert.deepEqual(versionsInMetadata("<versions><version>8.2.0</version>\n<version>9.0.1</version></versions>"), ["8.2.0", "9.0.1"]);
    });
    it("finds the local repository an mvn -X run used, or says it cannot", () => {
        const log = "[DEBUG] Reading user settings from /root/.m2/settings.xml\n[DEBUG] Using local repository at /srv/m2 repo\n[DEBUG] Using manager EnhancedLocalRepositoryManager\n";
        assert.equal(localRepositoryOf(log), "/srv/m2 repo");
        assert.throws(() => localRepositoryOf("[INFO] BUILD SUCCESS\n"), /did not say which local repository/);
    });
});

describe("starting QuestDB from a rendered server.conf", () => {
    it("moves every listener to a distinct free loopback port and keeps every other line", async () => {
        const { text, ports } = await loopbackServerConf("a.b=1\nhttp.bind.to=0.0.0.0:9000\nhttp.min.net.bind.to=0.0.0.0:9003\npg.net.bind.to=0.0.0.0:8812\n");
        assert.deepEqual([...ports.keys()].sort(), [8812, 9000, 9003]);
        assert.equal(new Set(ports.values()).size, 3);
        assert.equal(text, `a.b=1\nhttp.bind.to=127.0.0.1:${ports.get(9000)}\nhttp.min.net.bind.to=127.0.0.1:${ports.get(9003)}\npg.net.bind.to=127.0.0.1:${ports.get(8812)}\n`);
    });
    it("finds QuestDB's configuration issues in its log, and none in a clean log", () => {
        const log = "2026 A server-main Server config: /r/conf/server.conf\n2026 A server-main Configuration issues:\n    Invalid settings (not recognized, probable typos):\n        * bogus.key\n2026 I next line\n";
        assert.deepEqual(configurationIssues(log), ["Invalid settings (not recognized, probable typos):", "* bogus.key"]);
        assert.deepEqual(configurationIssues("2026 A server-main Server config: /r/conf/server.conf\n2026 I ok\n"), []);
    });
    it("reads metric names and types from the Prometheus text format", () => {
        const metrics = exposedMetrics("# TYPE questdb_json_queries_total counter\nquestdb_json_queries_total 3\n\nquestdb_x{a=\"b\"} 1\n");
        assert.deepEqual([...metrics], [["questdb_json_queries_total", "counter"], ["questdb_x", "untyped"]]);
    });
});

describe("a database's QuestDB launch, read from the render", () => {
    it("has the ConfigMap's server.conf, the init container's destination, the Secret's credentials and the probes", async () => {
        const render = await renderShippedForE2e("prod");
        const launch = questDbLaunch(render, "wayne-finance");
        assert.equal(launch.version, "8.2.3");
        assert.equal(launch.confPath, "conf/server.conf");
        assert.match(launch.serverConf, /^query\.timeout\.sec=120$/m);
        assert.deepEqual(launch.env, {
            QDB_HTTP_USER: "admin",
            QDB_HTTP_PASSWORD: derivePassword(OFFLINE_SECRET, "wayne-finance", "http"),
            QDB_PG_USER: "admin",
            QDB_PG_PASSWORD: derivePassword(OFFLINE_SECRET, "wayne-finance", "pg"),
        });
        assert.deepEqual(launch.probes.map((p) => `${p.kind} ${p.port}${p.path}`), ["startupProbe 9003/status", "readinessProbe 9003/status", "livenessProbe 9003/status"]);
        assert.deepEqual(questdbMetricsOfRules(render, "wayne-finance"), [QUESTDB_METRICS.suspendedTables]);
        assert.deepEqual(questdbMetricsOfDashboard(render), Object.values(QUESTDB_METRICS).sort());
    });
    it("is refused from an ordinary render, whose secrets are masked", async () => {
        const render = await renderShippedStack("prod");
        assert.throws(() => questDbLaunch(render, "wayne-finance"), /the Secret has no readable http.user|http.password/);
    });
    it("knows which metrics older QuestDB releases lack, and only metrics the program uses", () => {
        assert.deepEqual(Object.keys(QUESTDB_METRIC_SINCE).filter((m) => !Object.values(QUESTDB_METRICS).includes(m as never)), []);
    });
});
