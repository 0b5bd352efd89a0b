/**
 * What cert-manager's controller does for the tier, reduced to its effect: for every Certificate
 * the program created, a `kubernetes.io/tls` Secret under the Certificate's `secretName`, for its
 * `dnsNames`, signed by a CA of this run. No ACME: the tier has no DNS; what it proves is that
 * Traefik serves the Secret each of the program's routes names, for the name clients connect to.
 */
import * as fs from "fs";
import * as path from "path";
import { openssl } from "../engine/cluster";
import { KubeClient, KubeObject } from "../engine/kube";

export interface TestCa {
    /** The CA certificate clients trust (PEM file). */
    readonly caFile: string;
    readonly dir: string;
}

export function createTestCa(dir: string): TestCa {
    fs.mkdirSync(dir, { recursive: true });
    openssl(dir, ["req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
        "-keyout", "ca.key", "-out", "ca.crt", "-days", "2", "-subj", "/CN=qdb-e2e-endpoints-ca"]);
    return { caFile: path.join(dir, "ca.crt"), dir };
}

/** Signs a serving certificate for `dnsNames`; returns its PEM certificate and key. */
function issue(ca: TestCa, name: string, dnsNames: readonly string[]): { crt: string; key: string } {
    const base = path.join(ca.dir, name);
    openssl(ca.dir, ["req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout", `${base}.key`, "-out", `${base}.csr`,
        "-subj", `/CN=${dnsNames[0]}`, "-addext", `subjectAltName=${dnsNames.map((d) => `DNS:${d}`).join(",")}`]);
    openssl(ca.dir, ["x509", "-req", "-in", `${base}.csr`, "-CA", "ca.crt", "-CAkey", "ca.key", "-CAcreateserial", "-out", `${base}.crt`,
        "-days", "1", "-copy_extensions", "copyall"]);
    return { crt: fs.readFileSync(`${base}.crt`, "utf8"), key: fs.readFileSync(`${base}.key`, "utf8") };
}

const b64 = (text: string) => Buffer.from(text).toString("base64");

/** Issues every Certificate in the cluster that has no Secret yet; returns the Certificates it issued. */
export async function issueCertificates(client: KubeClient, ca: TestCa): Promise<KubeObject[]> {
    const issued: KubeObject[] = [];
    for (const certificate of await client.list("/apis/cert-manager.io/v1/certificates")) {
        const { namespace, name } = certificate.metadata;
        const secretPath = `/api/v1/namespaces/${namespace}/secrets`;
        if (await client.find(`${secretPath}/${certificate.spec.secretName}`)) {
            continue;
        }
        const { crt, key } = issue(ca, `${namespace}-${name}`, certificate.spec.dnsNames);
        await client.post(secretPath, {
            apiVersion: "v1", kind: "Secret", type: "kubernetes.io/tls",
            metadata: { name: certificate.spec.secretName, namespace, annotations: { "cert-manager.io/certificate-name": name } },
            data: { "tls.crt": b64(crt), "tls.key": b64(key), "ca.crt": b64(fs.readFileSync(ca.caFile, "utf8")) },
        });
        issued.push(certificate);
    }
    return issued;
}
