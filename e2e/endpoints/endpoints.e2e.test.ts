/**
 * Issue 14 on real components: the program's routes, certificates and allowlists, applied by the
 * real engine to a real API server, served by a real Traefik (the region's proxy) in front of a
 * real QuestDB. Every protocol a customer uses is checked with a standard client, in TLS only,
 * from an address the database allows and from one it does not. docs/e2e-engine.md, "Endpoints".
 */
import assert from "node:assert/strict";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { after, before, describe, it } from "node:test";
import { parseDocument } from "yaml";
import { CONFIG_NAMESPACE, IN_NAMESPACE, derivedNames } from "../../inventory";
import { Render, RenderedResource } from "../../render";
import { TYPES } from "../../test/support/stacks";
import { KubeClient } from "../engine/kube";
import { EngineStack } from "../engine/stack";
import { Tier, devStackYaml, dnsSuffixOf, newStack, startTier, zonesOf } from "../engine/tier";
import { QuestDb, startQuestDb } from "../questdb/server";
import { questDbLaunch } from "../questdb/fromRender";
import { freeLoopbackPort, pollUntil } from "../support/process";
import { installTraefik } from "../traefik/install";
import { Traefik, startTraefik, traefikLogTail } from "../traefik/server";
import { issueCertificates, createTestCa } from "./certManager";
import {
    Credentials, Endpoint, ClientSetup, httpsImport, httpsRequest, javaIlp, pgjdbcOverTls, prepareClients, pythonIlp, pgPlainStartup, pgTlsStartup, plainHttpStatus, psqlOverTls,
    psycopgOverTls, sendIlpOverTls, sendIlpPlain,
} from "./clients";

const ID = "echo";
const ALLOWED = "127.0.0.1";
/** Another loopback address: on Linux all of 127/8 is local, so a test can connect from it. */
const OUTSIDE = "127.0.0.2";
const TRAEFIK_CONTROLLER = "traefik.io/gateway-controller";

/** The machine's first non-loopback IPv4 address: a pod IP the API server accepts in an EndpointSlice. */
function podIpOfThisMachine(): string {
    const address = Object.values(os.networkInterfaces()).flat()
        .find((a) => a && a.family === "IPv4" && !a.internal)?.address;
    if (!address) {
        throw new Error("the endpoints tier needs a non-loopback IPv4 address on this machine (the API server refuses loopback endpoints)");
    }
    return address;
}

/** The dev region, its HTTPS listener on a port Traefik can open here. */
function stackYamlWithHttpsPort(port: number): string {
    const doc = parseDocument(devStackYaml());
    doc.setIn(["config", `${CONFIG_NAMESPACE}:region`, "gateway", "httpsPort"], port);
    return doc.toString();
}

/** What the pod starts QuestDB with, read from the objects the engine applied. */
async function launchFromCluster(client: KubeClient, id: string) {
    const namespace = `/api/v1/namespaces/qdb-${id}`;
    const applied = (type: string, object: Record<string, unknown>): RenderedResource =>
        ({ type, name: `${id}-${type}`, parent: id, custom: true, inputs: object, options: {} as RenderedResource["options"] });
    const render: Render = {
        stack: "dev", preview: false, outputs: {}, invokes: {},
        resources: [
            applied(TYPES.configMap, await client.get(`${namespace}/configmaps/${IN_NAMESPACE.configMap}`)),
            applied(TYPES.secret, await client.get(`${namespace}/secrets/${IN_NAMESPACE.credentialsSecret}`)),
            applied(TYPES.statefulSet, await client.get(`/apis/apps/v1/namespaces/qdb-${id}/statefulsets/${IN_NAMESPACE.statefulSet}`)),
        ],
    };
    return questDbLaunch(render, id);
}

describe("customer endpoints through a real Traefik (issue 14)", { timeout: 30 * 60_000 }, () => {
    let tier: Tier;
    let stack: EngineStack;
    let questdb: QuestDb;
    let traefik: Traefik;
    let clients: ClientSetup;
    let endpoint: Endpoint;
    /** The database's PostgreSQL wire and HTTP credentials, from the Secret the engine applied. */
    let pg: Credentials;
    let http: Credentials;
    const ports: Record<"websecure" | "postgres" | "ilp", number> = { websecure: 0, postgres: 0, ilp: 0 };
    const scratch = fs.mkdtempSync(path.join(os.tmpdir(), "qdb-e2e-endpoints-"));

    const served = () => (traefik.exited() ? `Traefik exited:\n${traefikLogTail(traefik)}` : undefined);

    before(async () => {
        const traefikBinary = await installTraefik();
        const podIp = podIpOfThisMachine();
        const [zoneA, zoneB] = zonesOf(devStackYaml());
        tier = await startTier([zoneA, zoneB]);
        const client = tier.cluster.client;
        // Traefik's chart creates the GatewayClass (a cluster precondition, like its namespace).
        await client.post("/apis/gateway.networking.k8s.io/v1/gatewayclasses", {
            apiVersion: "gateway.networking.k8s.io/v1", kind: "GatewayClass",
            metadata: { name: "traefik" }, spec: { controllerName: TRAEFIK_CONTROLLER },
        });
        for (const name of Object.keys(ports) as (keyof typeof ports)[]) {
            ports[name] = await freeLoopbackPort();
        }
        stack = await newStack(tier, "dev", stackYamlWithHttpsPort(ports.websecure));
        stack.setDatabases([{ id: ID, availabilityZone: zoneA, access: { allowedCidrs: [`${ALLOWED}/32`] } }]);
        tier.kubelet.pinPodIp(`qdb-${ID}`, podIp);
        await stack.up();

        const ca = createTestCa(path.join(scratch, "ca"));
        const issued = await issueCertificates(client, ca);
        const dnsSuffix = dnsSuffixOf(devStackYaml());
        endpoint = { hostname: derivedNames(ID, dnsSuffix).hostname, caFile: ca.caFile, address: ALLOWED };
        assert.deepEqual(issued.map((c) => c.spec.dnsNames).sort(), [[`*.${dnsSuffix}`], [endpoint.hostname]].sort(),
            "the program asks for the region's wildcard (HTTPS listener) and the database's own name (PG wire, ILP)");

        const launch = await launchFromCluster(client, ID);
        pg = { user: launch.env.QDB_PG_USER, password: launch.env.QDB_PG_PASSWORD };
        http = { user: launch.env.QDB_HTTP_USER, password: launch.env.QDB_HTTP_PASSWORD };
        questdb = await startQuestDb({ version: launch.version, serverConf: launch.serverConf, env: launch.env, confPath: launch.confPath, podIp });
        clients = await prepareClients(endpoint, path.join(scratch, "clients"));
        traefik = startTraefik({ binary: traefikBinary, cluster: tier.cluster, entryPoints: ports, readTimeoutSeconds: 3600, dir: path.join(scratch, "traefik") });
        await pollUntil("the HTTPS route through Traefik", 120_000, async () => {
            const answer = await httpsRequest(endpoint, ports.websecure, "/exec?query=select%201", { credentials: http });
            return answer.status === 200 ? true : undefined;
        }, served);
    });

    after(async () => {
        await traefik?.stop();
        await questdb?.stop();
        await tier?.stop();
        if (!process.env.QDB_E2E_KEEP) fs.rmSync(scratch, { recursive: true, force: true });
    });

    it("routes the database's Service endpoints: the objects the program created, as Traefik reads them", async () => {
        const slices = await tier.cluster.client.list(`/apis/discovery.k8s.io/v1/namespaces/qdb-${ID}/endpointslices`);
        const addresses = slices.flatMap((s) => (s.endpoints ?? []).flatMap((e: { addresses: string[] }) => e.addresses));
        assert.deepEqual(addresses, [podIpOfThisMachine()], "the Service's one endpoint is the pod, where QuestDB listens");
    });

    it("HTTPS: the console and REST answer for <id>.<dnsSuffix>, with a certificate for that name", async () => {
        // QuestDB 9.3.4 redirects / to its console page, with no length on the answer (a client that
        // waits for the body of / hangs; a browser follows at the headers): docs/decisions.md, "QuestDB 9.3.4".
        const root = await httpsRequest(endpoint, ports.websecure, "/", { headersOnly: true });
        assert.deepEqual([root.status, root.location], [301, "/index.html"], "/ redirects to the web console's page");
        assert.equal((await httpsRequest(endpoint, ports.websecure, "/index.html")).status, 200, "the web console's page");
        assert.equal((await httpsRequest(endpoint, ports.websecure, "/exec?query=select%201")).status, 401, "QuestDB itself asks for its credentials");
        const rest = await httpsRequest(endpoint, ports.websecure, "/exec?query=select%2042%20answer", { credentials: http });
        assert.equal(rest.status, 200, rest.body);
        assert.deepEqual(JSON.parse(rest.body).dataset, [[42]]);
    });

    it("an upload of 1 GiB passes the HTTP path whole: no body limit between the customer and /imp", async () => {
        const rows = 1024 * 1024;
        const answer = await httpsImport(endpoint, ports.websecure, "e2e_upload", http, rows, 1024);
        assert.equal(answer.status, 200, answer.body.slice(0, 500));
        assert.equal(JSON.parse(answer.body).rowsImported, rows, answer.body.slice(0, 500));
        assert.equal(await psqlOverTls(endpoint, ports.postgres, pg, "select count(), sum(length(payload)), sum(n) from e2e_upload"), `${rows}|${rows * 1021}|${rows}`);
    });

    it("PostgreSQL wire over TLS with the classic SSLRequest: psql, sslmode=verify-full", async () => {
        assert.equal(await psqlOverTls(endpoint, ports.postgres, pg, "select 7 * 6"), "42");
    });

    for (const negotiation of ["postgres", "direct"] as const) {
        it(`PostgreSQL wire over TLS with libpq 17, sslnegotiation=${negotiation} (ALPN postgresql)`, async () => {
            const answer = await psycopgOverTls(endpoint, ports.postgres, pg, negotiation, "select 6 * 7");
            assert.ok(answer.libpq >= 170000, `libpq ${answer.libpq}`);
            assert.equal(answer.ssl, true);
            assert.deepEqual(answer.rows, [[42]]);
        });
    }

    it("pgjdbc with ssl=true (the classic SSLRequest) verifies the certificate and queries", async () => {
        assert.equal(await pgjdbcOverTls(clients, endpoint, ports.postgres, pg, "select 6 * 7"), "42");
    });

    it("QuestDB's official ILP clients write over tcps:: and https::, and the rows arrive", async () => {
        await pythonIlp(clients, endpoint, "tcps", ports.ilp, "e2e_official");
        await pythonIlp(clients, endpoint, "https", ports.websecure, "e2e_official", http);
        await javaIlp(clients, endpoint, "tcps", ports.ilp, "e2e_official");
        // Fails unless the region's default TLS options disable session tickets (components/regionGateway.ts).
        await javaIlp(clients, endpoint, "https", ports.websecure, "e2e_official", http);
        const expected = "java-https|1\njava-tcps|1\npython-https|1\npython-tcps|1";
        const counts = await pollUntil("every client's row", 60_000, async () => {
            const out = await psqlOverTls(endpoint, ports.postgres, pg, "select client, count() from e2e_official order by client").catch(() => "");
            return out === expected ? out : undefined;
        });
        assert.equal(counts, expected);
    });

    it("ILP over TLS writes rows that PostgreSQL wire reads back", async () => {
        await sendIlpOverTls(endpoint, ports.ilp, ["e2e_tls,source=allowed value=1i", "e2e_tls,source=allowed value=2i"]);
        const rows = await pollUntil("the ILP rows", 60_000, async () => {
            const out = await psqlOverTls(endpoint, ports.postgres, pg, "select sum(value) from e2e_tls where source = 'allowed'").catch(() => "");
            return out === "3" ? out : undefined;
        });
        assert.equal(rows, "3");
    });

    it("nothing is served in plain text: HTTP, a PostgreSQL start-up without SSLRequest, plain ILP", async () => {
        assert.equal(await plainHttpStatus(endpoint, ports.websecure, "/exec?query=select%201"), 404, "plain HTTP matches no route");
        assert.match(await pgPlainStartup(endpoint, ports.postgres, pg.user), /^ended:/, "a plain PG start-up reaches no database");
        await sendIlpPlain(endpoint, ports.ilp, ["e2e_plain,source=plain value=1i"]);
        // The TLS rows of the previous test arrived within seconds; give plain text as long, then look.
        await new Promise((r) => setTimeout(r, 5_000));
        const tables = await psqlOverTls(endpoint, ports.postgres, pg, "select count(*) from tables() where table_name = 'e2e_plain'");
        assert.equal(tables, "0", "no table was created from plain-text ILP");
    });

    it("the allowlist: an address outside it is refused on every protocol, the same client inside it is served", async () => {
        assert.equal((await httpsRequest(endpoint, ports.websecure, "/exec?query=select%201", { credentials: http, localAddress: OUTSIDE })).status, 403);
        assert.equal((await httpsRequest(endpoint, ports.websecure, "/exec?query=select%201", { credentials: http, localAddress: ALLOWED })).status, 200);
        assert.match(await pgTlsStartup(endpoint, ports.postgres, pg.user, OUTSIDE), /^ended:/);
        assert.equal(await pgTlsStartup(endpoint, ports.postgres, pg.user, ALLOWED), "password requested");
        await sendIlpOverTls(endpoint, ports.ilp, ["e2e_tls,source=outside value=100i"], OUTSIDE).catch(() => undefined);
        await sendIlpOverTls(endpoint, ports.ilp, ["e2e_tls,source=inside value=10i"], ALLOWED);
        await pollUntil("the allowed ILP row", 60_000, async () =>
            (await psqlOverTls(endpoint, ports.postgres, pg, "select count(*) from e2e_tls where source = 'inside'")) === "1" ? true : undefined);
        assert.equal(await psqlOverTls(endpoint, ports.postgres, pg, "select count(*) from e2e_tls where source = 'outside'"), "0",
            "the row sent from outside the allowlist never arrived");
    });
});
