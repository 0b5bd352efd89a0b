/** A minimal Kubernetes API client over https with a bearer token: what the tier's assertions and fake kubelet need. */
import * as https from "https";

export interface KubeResponse {
    readonly status: number;
    readonly body: string;
}

/** A Kubernetes object as JSON; the tier reads only a few fields of each. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type KubeObject = Record<string, any>;

export class KubeError extends Error {
    constructor(readonly method: string, readonly path: string, readonly status: number, body: string) {
        super(`${method} ${path}: HTTP ${status}: ${body.slice(0, 500)}`);
    }
}

export class KubeClient {
    private readonly agent: https.Agent;

    constructor(readonly server: string, caPem: string, private readonly token: string) {
        this.agent = new https.Agent({ ca: caPem, keepAlive: true, maxSockets: 8 });
    }

    raw(method: string, path: string, body?: unknown, contentType = "application/json"): Promise<KubeResponse> {
        const payload = body === undefined ? undefined : typeof body === "string" ? body : JSON.stringify(body);
        return new Promise((resolve, reject) => {
            const req = https.request(`${this.server}${path}`, {
                method, agent: this.agent,
                headers: {
                    Authorization: `Bearer ${this.token}`, Accept: "application/json",
                    ...(payload === undefined ? {} : { "Content-Type": contentType, "Content-Length": Buffer.byteLength(payload) }),
                },
            }, (res) => {
                const chunks: Buffer[] = [];
                res.on("data", (c: Buffer) => chunks.push(c));
                res.on("end", () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString("utf8") }));
            });
            req.on("error", reject);
            req.setTimeout(30_000, () => req.destroy(new Error(`${method} ${path}: timed out`)));
            req.end(payload);
        });
    }

    private async json(method: string, path: string, body?: unknown, contentType?: string): Promise<KubeObject> {
        const res = await this.raw(method, path, body, contentType);
        if (res.status < 200 || res.status >= 300) {
            throw new KubeError(method, path, res.status, res.body);
        }
        return res.body ? JSON.parse(res.body) as KubeObject : {};
    }

    get(path: string): Promise<KubeObject> {
        return this.json("GET", path);
    }

    /** The object, or undefined when the API answers 404. */
    async find(path: string): Promise<KubeObject | undefined> {
        const res = await this.raw("GET", path);
        if (res.status === 404) {
            return undefined;
        }
        if (res.status !== 200) {
            throw new KubeError("GET", path, res.status, res.body);
        }
        return JSON.parse(res.body) as KubeObject;
    }

    async list(path: string): Promise<KubeObject[]> {
        return ((await this.get(path)).items ?? []) as KubeObject[];
    }

    post(path: string, body: unknown): Promise<KubeObject> {
        return this.json("POST", path, body);
    }

    /** A JSON merge patch. */
    patch(path: string, body: unknown): Promise<KubeObject> {
        return this.json("PATCH", path, body, "application/merge-patch+json");
    }

    delete(path: string, body?: unknown): Promise<KubeObject> {
        return this.json("DELETE", path, body);
    }

    /** Creates from a YAML or JSON manifest the way `kubectl create` does: one POST per object. */
    async create(collectionPath: string, object: KubeObject): Promise<KubeObject> {
        return this.post(collectionPath, object);
    }
}
