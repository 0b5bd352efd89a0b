// Pure helpers for the AWS wire formats the tier's proxy (notFoundProxy.ts) reads and writes: which
// IAM action a request is, which EC2 ids it names, EC2's XML error body, and the ids a create
// answered with. They take strings and return strings, so the proxy's decisions can be read alone.

/** One AWS request as the proxy saw it. */
export interface AwsRequest {
    /** The IAM action, `service:Operation`, e.g. `ec2:DescribeSnapshots`; `unknown:...` when it cannot tell. */
    readonly action: string;
    /** The EC2 query parameters (`Action`, `SnapshotId.1`, `Filter.1.Name`, ...); empty for JSON protocols. */
    readonly params: Readonly<Record<string, string>>;
}

/** The signing service of a SigV4 `Authorization` header (`Credential=<key>/<date>/<region>/<service>/aws4_request`). */
export function signingService(authorization: string | undefined): string | undefined {
    return /Credential=[^/]+\/\d{8}\/[^/]+\/([^/]+)\/aws4_request/.exec(authorization ?? "")?.[1];
}

/**
 * The IAM action of a request: the EC2 query protocol's `Action=` form parameter (or URL query),
 * else a JSON protocol's `X-Amz-Target` (`Service_Version.Operation`); the service prefix is the
 * SigV4 signing service, which is the IAM prefix for every service the scripts call (ec2, sts).
 */
export function awsRequest(headers: Readonly<Record<string, string | string[] | undefined>>, url: string, body: string): AwsRequest {
    const header = (name: string) => {
        const v = headers[name];
        return Array.isArray(v) ? v[0] : v;
    };
    const service = signingService(header("authorization")) ?? "unknown";
    const query = new URLSearchParams(url.includes("?") ? url.slice(url.indexOf("?") + 1) : "");
    const form = /x-www-form-urlencoded/.test(header("content-type") ?? "") || /(^|&)Action=/.test(body) ? new URLSearchParams(body) : new URLSearchParams();
    const params: Record<string, string> = {};
    for (const source of [query, form]) {
        source.forEach((value, key) => (params[key] = value));
    }
    const target = header("x-amz-target");
    const operation = params.Action ?? (target ? target.slice(target.lastIndexOf(".") + 1) : undefined);
    return { action: `${service}:${operation ?? "unknown"}`, params };
}

/** The values of a query list parameter (`SnapshotId.1`, `SnapshotId.2`, ...), in order. */
export function listParam(params: Readonly<Record<string, string>>, name: string): string[] {
    return Object.keys(params)
        .filter((k) => new RegExp(`^${name}\\.\\d+$`).test(k))
        .sort((a, b) => Number(a.slice(name.length + 1)) - Number(b.slice(name.length + 1)))
        .map((k) => params[k]);
}

/** EC2's XML error body (EC2 API reference, "Error codes"), which the CLI reads the code and message from. */
export function ec2ErrorBody(code: string, message: string, requestId: string): string {
    return `<?xml version="1.0" encoding="UTF-8"?>\n<Response><Errors><Error><Code>${code}</Code><Message>${message}</Message></Error></Errors><RequestID>${requestId}</RequestID></Response>`;
}

/** What EC2 answers for an id it does not (yet) know: the code, HTTP 400 and the XML body. */
export function ec2NotFound(kind: "snapshot" | "volume", id: string, requestId: string): { status: number; code: string; body: string } {
    const code = kind === "snapshot" ? "InvalidSnapshot.NotFound" : "InvalidVolume.NotFound";
    return { status: 400, code, body: ec2ErrorBody(code, `The ${kind} '${id}' does not exist.`, requestId) };
}

/** EC2's answer to a request it may or may not have carried out: HTTP 500 InternalError, which the CLI retries. */
export function ec2InternalError(requestId: string): { status: number; code: string; body: string } {
    return { status: 500, code: "InternalError", body: ec2ErrorBody("InternalError", "An internal error has occurred.", requestId) };
}

/** The id a CreateSnapshot or CreateVolume answer carries (its top-level `<snapshotId>` / `<volumeId>`). */
export function createdId(action: string, xml: string): { kind: "snapshot" | "volume"; id: string } | undefined {
    if (action === "ec2:CreateSnapshot") {
        const id = /<CreateSnapshotResponse[\s\S]*?<snapshotId>([^<]+)<\/snapshotId>/.exec(xml)?.[1];
        return id ? { kind: "snapshot", id } : undefined;
    }
    if (action === "ec2:CreateVolume") {
        const id = /<CreateVolumeResponse[\s\S]*?<volumeId>([^<]+)<\/volumeId>/.exec(xml)?.[1];
        return id ? { kind: "volume", id } : undefined;
    }
    return undefined;
}

/**
 * A DescribeSnapshots answer with the `<startTime>` of each snapshot in `startTimes` replaced. moto
 * stamps a snapshot's StartTime with its own clock at CreateSnapshot and has no API to change it
 * (moto/ec2/models/elastic_block_store.py; /moto-api/ has no EC2 hook), so an "old" snapshot is
 * presented to the CLI this way. In moto's answer each item's `<startTime>` follows its `<snapshotId>`.
 */
export function withStartTimes(xml: string, startTimes: ReadonlyMap<string, string>): string {
    return xml.replace(/<snapshotId>([^<]+)<\/snapshotId>((?:(?!<snapshotId>|<\/item>)[\s\S])*?)<startTime>[^<]*<\/startTime>/g,
        (whole, id: string, between: string) => (startTimes.has(id) ? `<snapshotId>${id}</snapshotId>${between}<startTime>${startTimes.get(id)}</startTime>` : whole));
}
