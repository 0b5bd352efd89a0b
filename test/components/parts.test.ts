import assert from "node:assert/strict";
import { test } from "node:test";
import { derivePassword } from "../../components/deployment/credentials";
import { amiTypeFor } from "../../components/deployment/dedicatedNode";
import { configChecksum } from "../../components/deployment/server";
import { architectureOf, derivedNames, renderServerConf } from "../../inventory";
import { maxIdLength } from "../../inventory/names";
import { kubeconfigFor } from "../../stacks/kubeconfig";

test("passwords are stable for a seed and id, and differ by id, purpose and seed", () => {
    const a = derivePassword("seed-1", "acme", "pg");
    assert.equal(a, derivePassword("seed-1", "acme", "pg"));
    assert.ok(a.length >= 40);
    const others = [derivePassword("seed-1", "acme", "http"), derivePassword("seed-1", "globex", "pg"), derivePassword("seed-2", "acme", "pg")];
    for (const other of others) {
        assert.notEqual(other, a);
    }
});

test("server.conf is sorted, so YAML key order never rolls the pod", () => {
    const one = renderServerConf({ "b.key": "2", "a.key": "1" });
    const two = renderServerConf({ "a.key": "1", "b.key": "2" });
    assert.equal(one, two);
    assert.equal(configChecksum(one), configChecksum(two));
    assert.notEqual(configChecksum(one), configChecksum(renderServerConf({ "a.key": "1", "b.key": "3" })));
    const lines = one.trim().split("\n");
    assert.deepEqual(lines, [...lines].sort());
    assert.ok(lines.includes("http.min.net.bind.to=0.0.0.0:9003"));
    // Probes and scrapes on 9003 carry no credentials.
    assert.ok(lines.includes("http.health.check.authentication.required=false"));
    assert.ok(lines.includes("a.key=1"));
});

test("Graviton instance types get the ARM AMI, everything else x86_64", () => {
    for (const arm of ["m7g.xlarge", "r7g.2xlarge", "t4g.large", "c6gn.large", "im4gn.large", "a1.large", "r8gd.xlarge"]) {
        assert.equal(architectureOf(arm), "arm64", arm);
    }
    for (const x86 of ["m7i.xlarge", "g4dn.xlarge", "r7i.xlarge", "t3.large", "inf2.xlarge", "m7a.large"]) {
        assert.equal(architectureOf(x86), "x86_64", x86);
    }
    assert.equal(amiTypeFor("arm64"), "AL2023_ARM_64_STANDARD");
    assert.equal(amiTypeFor("x86_64"), "AL2023_x86_64_STANDARD");
});

test("names derive from the id alone, and the id length limit comes from the tightest name", () => {
    const names = derivedNames("acme", "db.example.com");
    assert.deepEqual(names, {
        namespace: "qdb-acme",
        persistentVolume: "qdb-acme-data",
        nodeGroupPrefix: "qdb-acme-",
        launchTemplate: "qdb-acme",
        volumeName: "qdb-acme-data",
        hostname: "acme.db.example.com",
    });
    assert.equal(maxIdLength("db.example.com"), 32);
    assert.equal(maxIdLength(`${"x".repeat(230)}.com`), 252 - 234);
});

test("the kubeconfig authenticates with short-lived tokens, never a stored credential", () => {
    const config = JSON.parse(kubeconfigFor({ name: "c1", endpoint: "https://e", certificateAuthorityData: "Q0E=", awsRegion: "eu-west-1" }));
    assert.equal(config.clusters[0].cluster.server, "https://e");
    const exec = config.users[0].user.exec;
    assert.equal(exec.command, "aws");
    assert.deepEqual(exec.args.slice(0, 6), ["eks", "get-token", "--cluster-name", "c1", "--region", "eu-west-1"]);
    assert.equal(config.users[0].user.token, undefined);
});
