/**
 * The guardrails, as pure functions over (type, props): each returns the list of violation
 * messages for one resource, empty when it complies. No import of @pulumi/policy here: importing
 * its PolicyPack starts a server, and these rules also run offline over every render (tests and
 * tools), so the same code enforces the policy in `pulumi preview` and in CI.
 *
 * Self-contained on purpose (no import from ../inventory): the pack is installed and run from
 * this folder alone. test/guardrails checks that DATABASE_LABEL matches the program's.
 */
import { plainTextSecrets } from "./secrets";

/** Label and taint key that binds a database to its node (inventory/names.ts). */
export const DATABASE_LABEL = "questdb.cloud/database";
/** Prefix of every database-owned name (namespace, node group, launch template). */
const DATABASE_PREFIX = "qdb-";

export type Props = Record<string, unknown>;

/**
 * Resource options a rule may need; they are options, not properties. The policy SDK passes
 * `protect` (args.opts) but not `retainOnDelete`, which only the offline check sees (render
 * records both): a rule treats an undefined option it cannot see as "not known".
 */
export interface RuleOptions {
    readonly protect?: boolean;
    readonly retainOnDelete?: boolean;
}

/** AWS tag that marks a database's lifecycle state on its resources. */
export const STATE_TAG = "questdb.cloud/state";

export interface Rule {
    /** Policy name: lowercase, dash-separated, unique in the pack. */
    readonly name: string;
    readonly description: string;
    /** The violation messages of one resource; empty when it complies or the rule does not apply. */
    readonly check: (type: string, props: Props, opts: RuleOptions) => string[];
}

function obj(value: unknown): Props {
    return typeof value === "object" && value !== null && !Array.isArray(value) ? (value as Props) : {};
}

function list(value: unknown): unknown[] {
    return Array.isArray(value) ? value : [];
}

function at(value: unknown, ...path: string[]): unknown {
    return path.reduce<unknown>((v, key) => obj(v)[key], value);
}

/**
 * The one exception to protect: a decommissioned database's volume drops protect so that its entry
 * can be removed (docs/guardrails.md). It must say so in its tags, and it must still be retained
 * in AWS on delete whenever that option is visible.
 */
const ebsVolumeEncryptedAndProtected: Rule = {
    name: "ebs-volume-encrypted-and-protected",
    description: "Every EBS volume is encrypted at rest and protected (a decommissioned one: retained), so no preview can lose customer data.",
    check: (type, props, opts) => {
        if (type !== "aws:ebs/volume:Volume") return [];
        const found: string[] = [];
        if (props.encrypted !== true) found.push("EBS volume is not encrypted: set encrypted: true");
        const decommissioned = at(props, "tags", STATE_TAG) === "decommissioned";
        if (opts.protect !== true && !decommissioned) {
            found.push(`EBS volume is not protected: set the resource option protect: true (only a volume tagged ${STATE_TAG}=decommissioned may drop it)`);
        }
        if (opts.protect !== true && decommissioned && opts.retainOnDelete === false) {
            found.push("unprotected decommissioned EBS volume is not retained on delete: set the resource option retainOnDelete: true");
        }
        return found;
    },
};

/** A node group belongs to a database when it carries the database label or a database name. */
function databaseOfNodeGroup(props: Props): string | undefined {
    const label = at(props, "labels", DATABASE_LABEL);
    if (typeof label === "string") return label;
    const name = props.nodeGroupNamePrefix ?? props.nodeGroupName;
    return typeof name === "string" && name.startsWith(DATABASE_PREFIX) ? "" : undefined;
}

const databaseNodeDedicated: Rule = {
    name: "database-node-dedicated",
    description: "Every database node group is tainted for its database alone and lives in one subnet, the AZ of its volume.",
    check: (type, props) => {
        if (type !== "aws:eks/nodeGroup:NodeGroup") return [];
        const id = databaseOfNodeGroup(props);
        if (id === undefined) return [];
        const found: string[] = [];
        if (id === "") found.push(`database node group has no ${DATABASE_LABEL} label`);
        const taints = list(props.taints).map(obj);
        const own = taints.some((t) => t.key === DATABASE_LABEL && t.value === id && (t.effect === "NO_SCHEDULE" || t.effect === "NO_EXECUTE"));
        if (id !== "" && !own) found.push(`database node group is not tainted ${DATABASE_LABEL}=${id}:NoSchedule, so other pods can land on it`);
        const subnets = list(props.subnetIds);
        if (subnets.length !== 1) found.push(`database node group spans ${subnets.length} subnets; it must use exactly the one of its volume's AZ`);
        return found;
    },
};

const databasePodTolerations: Rule = {
    name: "database-pod-tolerates-own-taint",
    description: "Every database pod selects its own node and tolerates only its own taint (toleration value == nodeSelector value == database label).",
    check: (type, props) => {
        if (type !== "kubernetes:apps/v1:StatefulSet") return [];
        const template = at(props, "spec", "template");
        const id = at(template, "metadata", "labels", DATABASE_LABEL);
        const namespace = at(props, "metadata", "namespace");
        if (id === undefined && !(typeof namespace === "string" && namespace.startsWith(DATABASE_PREFIX))) return [];
        if (typeof id !== "string") return [`database pod template has no ${DATABASE_LABEL} label`];
        const found: string[] = [];
        const selected = at(template, "spec", "nodeSelector", DATABASE_LABEL);
        if (selected !== id) found.push(`database pod selects node ${JSON.stringify(selected)}, not its own database ${id}`);
        const tolerations = list(at(template, "spec", "tolerations")).map(obj);
        if (tolerations.length === 0) found.push(`database pod does not tolerate its own taint ${DATABASE_LABEL}=${id}`);
        for (const t of tolerations) {
            const exact = t.key === DATABASE_LABEL && (t.operator ?? "Equal") === "Equal" && t.value === id;
            if (!exact) found.push(`database pod tolerates ${JSON.stringify(t)}; it may tolerate only ${DATABASE_LABEL}=${id}`);
        }
        return found;
    },
};

const INTERNAL_ANNOTATIONS: Readonly<Record<string, readonly string[]>> = {
    "service.beta.kubernetes.io/aws-load-balancer-internal": ["true"],
    "service.beta.kubernetes.io/aws-load-balancer-scheme": ["internal"],
};

const noPublicLoadBalancer: Rule = {
    name: "no-public-load-balancer",
    description: "No Service is a public LoadBalancer; databases are reached through the shared ingress controller only.",
    check: (type, props) => {
        if (type !== "kubernetes:core/v1:Service" || at(props, "spec", "type") !== "LoadBalancer") return [];
        const annotations = obj(at(props, "metadata", "annotations"));
        const internal = Object.entries(INTERNAL_ANNOTATIONS).some(([k, ok]) => ok.includes(String(annotations[k])));
        return internal ? [] : ["Service of type LoadBalancer is public: annotate it internal, or use ClusterIP behind the ingress"];
    },
};

const launchTemplateImdsV2: Rule = {
    name: "launch-template-imdsv2",
    description: "Every launch template requires IMDSv2 tokens, so a pod cannot steal the node's credentials with a plain GET.",
    check: (type, props) => {
        if (type !== "aws:ec2/launchTemplate:LaunchTemplate") return [];
        const tokens = at(props, "metadataOptions", "httpTokens");
        return tokens === "required" ? [] : [`launch template allows IMDSv1 (httpTokens ${JSON.stringify(tokens)}): set metadataOptions.httpTokens "required"`];
    },
};

const ZONE_KEY = "topology.kubernetes.io/zone";
const CAPACITY_TYPE_KEY = "karpenter.sh/capacity-type";

/** The values a NodePool's requirements allow for one key, or undefined when it does not constrain it. */
function requirementValues(requirements: unknown, key: string): unknown[] | undefined {
    const found = list(requirements).map(obj).filter((r) => r.key === key);
    return found.length === 1 && found[0].operator === "In" ? list(found[0].values) : found.length === 0 ? undefined : [];
}

/** A database's NodePool: the Karpenter path's counterpart of database-node-dedicated. */
const databaseNodePoolDedicated: Rule = {
    name: "database-nodepool-dedicated",
    description: "Every database NodePool is tainted for its database alone, pinned to its volume's AZ, on-demand, and allows one node at most.",
    check: (type, props) => {
        if (type !== "kubernetes:karpenter.sh/v1:NodePool") return [];
        const template = at(props, "spec", "template");
        const id = at(template, "metadata", "labels", DATABASE_LABEL);
        const name = at(props, "metadata", "name");
        if (id === undefined && !(typeof name === "string" && name.startsWith(DATABASE_PREFIX))) return [];
        if (typeof id !== "string") return [`database NodePool's nodes have no ${DATABASE_LABEL} label`];
        const found: string[] = [];
        const taints = list(at(template, "spec", "taints")).map(obj);
        if (!taints.some((t) => t.key === DATABASE_LABEL && t.value === id && (t.effect === "NoSchedule" || t.effect === "NoExecute"))) {
            found.push(`database NodePool's nodes are not tainted ${DATABASE_LABEL}=${id}:NoSchedule, so other pods can land on them`);
        }
        const requirements = at(template, "spec", "requirements");
        const zones = requirementValues(requirements, ZONE_KEY);
        if (zones?.length !== 1) found.push(`database NodePool does not pin ${ZONE_KEY} to exactly one zone (its volume's): ${JSON.stringify(zones ?? "unconstrained")}`);
        const capacity = requirementValues(requirements, CAPACITY_TYPE_KEY);
        if (JSON.stringify(capacity) !== JSON.stringify(["on-demand"])) found.push(`database NodePool may launch ${JSON.stringify(capacity ?? "any")} capacity; it must be on-demand only (spot is reclaimed with two minutes' notice)`);
        const nodes = at(props, "spec", "limits", "nodes");
        if (String(nodes) !== "1") found.push(`database NodePool allows ${JSON.stringify(nodes ?? "unlimited")} nodes; set spec.limits.nodes "1"`);
        return found;
    },
};

/** What the launch template rule asks of node groups, asked of the Karpenter path's node classes. */
const nodeClassImdsV2Encrypted: Rule = {
    name: "ec2nodeclass-imdsv2-encrypted",
    description: "Every EC2NodeClass requires IMDSv2 with a hop limit of 1 and encrypts every EBS volume it attaches, so pods cannot reach node credentials and no disk is plaintext.",
    check: (type, props) => {
        if (type !== "kubernetes:karpenter.k8s.aws/v1:EC2NodeClass") return [];
        const found: string[] = [];
        const metadata = obj(at(props, "spec", "metadataOptions"));
        if (metadata.httpTokens !== "required") found.push(`EC2NodeClass allows IMDSv1 (httpTokens ${JSON.stringify(metadata.httpTokens)}): set spec.metadataOptions.httpTokens "required"`);
        if (metadata.httpPutResponseHopLimit !== 1) found.push(`EC2NodeClass's IMDS hop limit is ${JSON.stringify(metadata.httpPutResponseHopLimit)}: set spec.metadataOptions.httpPutResponseHopLimit 1 so pods cannot reach it`);
        const devices = list(at(props, "spec", "blockDeviceMappings")).map(obj);
        if (devices.length === 0) found.push("EC2NodeClass sets no blockDeviceMappings, so its root volume is the AMI's default, not known to be encrypted");
        for (const device of devices) {
            if (obj(device.ebs).encrypted !== true) found.push(`EC2NodeClass's ${JSON.stringify(device.deviceName)} volume is not encrypted: set ebs.encrypted true`);
        }
        return found;
    },
};

const configMapNoSecrets: Rule = {
    name: "configmap-no-plaintext-secrets",
    description: "No ConfigMap holds a credential in plain text (server.conf included); credentials belong in Secrets fed by Pulumi secrets.",
    check: (type, props) => {
        if (type !== "kubernetes:core/v1:ConfigMap") return [];
        return Object.entries(obj(props.data))
            .filter((entry): entry is [string, string] => typeof entry[1] === "string")
            .flatMap(([key, value]) => plainTextSecrets(key, value))
            .map((what) => `ConfigMap holds a secret in plain text: ${what}; move it to a Secret`);
    },
};

/** Listener protocols that carry TLS from the client (Gateway API). */
const ENCRYPTED_LISTENER = ["HTTPS", "TLS"];

/**
 * Nothing is served in plain text from outside: a Gateway listener is HTTPS or TLS (an internal
 * Gateway is exempt only by not being ours to render), an IngressRouteTCP terminates or passes
 * through TLS, an Ingress has TLS for every host and does not turn off the HTTPS redirect.
 */
const noPublicPlaintextListener: Rule = {
    name: "no-public-plaintext-listener",
    description: "No Gateway listener, TCP route or Ingress serves a protocol in plain text; every endpoint is TLS.",
    check: (type, props) => {
        if (/^kubernetes:gateway\.networking\.k8s\.io\/[^:]+:Gateway$/.test(type)) {
            return list(at(props, "spec", "listeners")).map(obj)
                .filter((l) => !ENCRYPTED_LISTENER.includes(String(l.protocol)))
                .map((l) => `Gateway listener ${String(l.name)} speaks ${String(l.protocol)} in plain text: use HTTPS or TLS`);
        }
        if (/^kubernetes:traefik\.io\/[^:]+:IngressRouteTCP$/.test(type)) {
            return at(props, "spec", "tls") === undefined ? ["IngressRouteTCP has no tls: the TCP protocol would be served in plain text"] : [];
        }
        if (type === "kubernetes:networking.k8s.io/v1:Ingress") {
            const tlsHosts = list(at(props, "spec", "tls")).flatMap((t) => list(obj(t).hosts));
            const found = list(at(props, "spec", "rules")).map(obj)
                .filter((r) => !tlsHosts.includes(r.host))
                .map((r) => `Ingress host ${String(r.host ?? "(any)")} has no TLS: add it to spec.tls`);
            const redirect = at(props, "metadata", "annotations", "nginx.ingress.kubernetes.io/ssl-redirect");
            if (redirect === "false") found.push("Ingress turns off the HTTPS redirect: remove nginx.ingress.kubernetes.io/ssl-redirect: \"false\"");
            return found;
        }
        return [];
    },
};

function hasAllowlistFilter(rule: unknown): boolean {
    return list(obj(rule).filters).map(obj).some((f) => f.type === "ExtensionRef" && at(f, "extensionRef", "kind") === "Middleware");
}

/**
 * Every externally reachable route carries a client allowlist: each HTTPRoute rule an
 * ExtensionRef to a Traefik Middleware, each IngressRouteTCP route a middleware, each Ingress the
 * ingress-nginx source range, and every allowlist middleware at least one range. That the
 * referenced middleware holds the database's own list is checked by the tests (it spans objects).
 */
const externalPortAllowlisted: Rule = {
    name: "external-port-allowlisted",
    description: "Every externally reachable route (HTTPRoute, IngressRouteTCP, Ingress) carries a client IP allowlist.",
    check: (type, props) => {
        if (/^kubernetes:gateway\.networking\.k8s\.io\/[^:]+:HTTPRoute$/.test(type)) {
            const rules = list(at(props, "spec", "rules"));
            return rules.length === 0 || !rules.every(hasAllowlistFilter) ? ["HTTPRoute rule without an allowlist: add an ExtensionRef filter to the database's ipAllowList Middleware"] : [];
        }
        if (/^kubernetes:traefik\.io\/[^:]+:IngressRouteTCP$/.test(type)) {
            const routes = list(at(props, "spec", "routes")).map(obj);
            return routes.some((r) => list(r.middlewares).length === 0) ? ["IngressRouteTCP route without an allowlist: add the database's ipAllowList MiddlewareTCP"] : [];
        }
        if (/^kubernetes:traefik\.io\/[^:]+:Middleware(TCP)?$/.test(type) && at(props, "spec", "ipAllowList") !== undefined) {
            return list(at(props, "spec", "ipAllowList", "sourceRange")).length === 0 ? ["ipAllowList with no sourceRange: list the allowed CIDRs, or render no route at all"] : [];
        }
        if (type === "kubernetes:networking.k8s.io/v1:Ingress") {
            const ranges = at(props, "metadata", "annotations", "nginx.ingress.kubernetes.io/whitelist-source-range");
            return typeof ranges === "string" && ranges.trim() !== "" ? [] : ["Ingress without nginx.ingress.kubernetes.io/whitelist-source-range: every external route carries an allowlist"];
        }
        return [];
    },
};

export const RULES: readonly Rule[] = [
    ebsVolumeEncryptedAndProtected,
    databaseNodeDedicated,
    databasePodTolerations,
    noPublicLoadBalancer,
    launchTemplateImdsV2,
    databaseNodePoolDedicated,
    nodeClassImdsV2Encrypted,
    configMapNoSecrets,
    noPublicPlaintextListener,
    externalPortAllowlisted,
];

export interface Violation {
    readonly rule: string;
    readonly message: string;
}

/** Every violation of every rule for one resource. */
export function checkResource(type: string, props: Props, opts: RuleOptions = {}): Violation[] {
    return RULES.flatMap((rule) => rule.check(type, props, opts).map((message) => ({ rule: rule.name, message })));
}
