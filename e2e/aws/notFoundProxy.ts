// An HTTP proxy in front of moto that gives the tier EC2's eventual consistency, which moto lacks:
// after a CreateSnapshot or CreateVolume passes through, the first N DescribeSnapshots or
// DescribeVolumes calls that name the new id (a waiter's polls included) are answered with
// InvalidSnapshot.NotFound / InvalidVolume.NotFound in EC2's XML error format, as AWS may answer
// right after a create (EC2 API reference, "Eventual consistency"); then it passes through. It also
// records every call's IAM action, so a test can hold the calls a script made against the policy
// the program renders for it, and can present chosen snapshots with an older StartTime
// (ec2Query.ts withStartTimes: moto cannot backdate one), or lose the answers to a create that moto
// carried out, as a dropped connection or an InternalError would, keeping EC2's idempotency for a
// retried request with the same ClientToken (which moto ignores).
import * as http from "node:http";
import { AwsRequest, awsRequest, createdId, ec2InternalError, ec2NotFound, listParam, withStartTimes } from "./ec2Query";

export interface ProxiedCall extends AwsRequest {
    /** The HTTP status the caller got. */
    readonly status: number;
    /** The error code the proxy answered with instead of moto's answer, if it did. */
    readonly injected?: string;
    /** Whether moto carried the call out (false: a NotFound answered by the proxy, or a retry of a lost create with the same ClientToken). */
    readonly forwarded: boolean;
    /** The id a create answered with. */
    readonly created?: { readonly kind: "snapshot" | "volume"; readonly id: string };
}

export interface NotFoundInjection {
    /** NotFound answers for each snapshot created from now on. @default 0 */
    readonly snapshot?: number;
    /** NotFound answers for each volume created from now on (DescribeVolumes and the volume-available waiter). @default 0 */
    readonly volume?: number;
}

export interface NotFoundProxy {
    /** `http://127.0.0.1:<port>`: the endpoint to point the CLI at (moto.ts awsCliShim). */
    readonly url: string;
    /** Every call so far, in order. */
    calls(): ProxiedCall[];
    /** Forgets the calls recorded so far. */
    resetCalls(): void;
    /** How many NotFound answers each id created from now on gets; ids created before keep theirs. */
    injectNotFound(injection: NotFoundInjection): void;
    /**
     * Answers the next `times` calls of `action` with InternalError after moto carried the first
     * of each ClientToken out: the caller never learns the id it created.
     */
    loseAnswers(action: string, times: number): void;
    /** Presents a snapshot with this StartTime (ISO 8601) in every DescribeSnapshots answer. */
    backdate(snapshotId: string, startTime: string): void;
    /** Runs before each call is forwarded (the tier's stand-in for what EBS does at that moment). */
    beforeForward(hook: (request: AwsRequest) => void): void;
    stop(): Promise<void>;
}

/** Starts the proxy on a free loopback port in front of `target` (moto's url). */
export async function startNotFoundProxy(target: string): Promise<NotFoundProxy> {
    const upstream = new URL(target);
    const calls: ProxiedCall[] = [];
    const startTimes = new Map<string, string>();
    /** NotFound answers still owed, by id. */
    const owed = new Map<string, number>();
    let injection: Required<NotFoundInjection> = { snapshot: 0, volume: 0 };
    let hook: ((request: AwsRequest) => void) | undefined;
    let requests = 0;
    let lost = { action: "", times: 0 };
    /** The ClientTokens of lost creates that moto already carried out. */
    const carriedOut = new Set<string>();

    /** Sends the request to moto; resolves with its answer, StartTimes rewritten, and the id it created. */
    const forward = (req: http.IncomingMessage, body: Buffer, request: AwsRequest) => new Promise<{ status: number; headers: http.OutgoingHttpHeaders; text: string; created?: ProxiedCall["created"] }>((resolve, reject) => {
        const up = http.request({ host: upstream.hostname, port: upstream.port, method: req.method, path: req.url, headers: req.headers }, (answer) => {
            const out: Buffer[] = [];
            answer.on("data", (c: Buffer) => out.push(c));
            answer.on("end", () => {
                let text = Buffer.concat(out).toString("utf8");
                const status = answer.statusCode ?? 502;
                const created = status === 200 ? createdId(request.action, text) : undefined;
                if (request.action === "ec2:DescribeSnapshots" && startTimes.size > 0) {
                    text = withStartTimes(text, startTimes);
                }
                const headers: http.OutgoingHttpHeaders = { ...answer.headers, "content-length": String(Buffer.byteLength(text)) };
                delete headers["transfer-encoding"];
                resolve({ status, headers, text, created });
            });
            answer.on("error", reject);
        });
        up.on("error", reject);
        up.end(body);
    });

    const server = http.createServer((req, res) => {
        const chunks: Buffer[] = [];
        req.on("data", (c: Buffer) => chunks.push(c));
        req.on("end", () => {
            const body = Buffer.concat(chunks);
            const request = awsRequest(req.headers, req.url ?? "/", body.toString("utf8"));
            const named = request.action === "ec2:DescribeSnapshots" ? { kind: "snapshot" as const, ids: listParam(request.params, "SnapshotId") }
                : request.action === "ec2:DescribeVolumes" ? { kind: "volume" as const, ids: listParam(request.params, "VolumeId") } : undefined;
            const fresh = named?.ids.find((id) => (owed.get(id) ?? 0) > 0);
            if (named && fresh) {
                owed.set(fresh, owed.get(fresh)! - 1);
                const answer = ec2NotFound(named.kind, fresh, `proxy-${++requests}`);
                calls.push({ ...request, status: answer.status, injected: answer.code, forwarded: false });
                res.writeHead(answer.status, { "Content-Type": "text/xml;charset=UTF-8", "Content-Length": Buffer.byteLength(answer.body) });
                res.end(answer.body);
                return;
            }
            hook?.(request);
            void (async () => {
                if (request.action === lost.action && lost.times > 0) {
                    lost.times--;
                    const token = request.params.ClientToken;
                    const repeat = token !== undefined && carriedOut.has(token);
                    const done = repeat ? undefined : await forward(req, body, request);
                    if (token !== undefined) {
                        carriedOut.add(token);
                    }
                    const answer = ec2InternalError(`proxy-${++requests}`);
                    calls.push({ ...request, status: answer.status, injected: answer.code, forwarded: !repeat, ...(done?.created ? { created: done.created } : {}) });
                    res.writeHead(answer.status, { "Content-Type": "text/xml;charset=UTF-8", "Content-Length": Buffer.byteLength(answer.body) });
                    res.end(answer.body);
                    return;
                }
                const answer = await forward(req, body, request);
                if (answer.created) {
                    owed.set(answer.created.id, injection[answer.created.kind]);
                }
                calls.push({ ...request, status: answer.status, forwarded: true, ...(answer.created ? { created: answer.created } : {}) });
                res.writeHead(answer.status, answer.headers);
                res.end(answer.text);
            })().catch((err) => {
                calls.push({ ...request, status: 502, forwarded: false });
                res.writeHead(502);
                res.end(String(err));
            });
        });
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const { port } = server.address() as { port: number };
    return {
        url: `http://127.0.0.1:${port}`,
        calls: () => [...calls],
        resetCalls: () => void calls.splice(0),
        loseAnswers: (action, times) => (lost = { action, times }),
        injectNotFound: (i) => (injection = { snapshot: i.snapshot ?? 0, volume: i.volume ?? 0 }),
        backdate: (id, time) => void startTimes.set(id, time),
        beforeForward: (h) => (hook = h),
        stop: () => new Promise((resolve) => {
            server.close(() => resolve());
            server.closeAllConnections();
        }),
    };
}
