import { DEFAULTS } from "./defaults";
import { AWS_QUOTAS, MAX_DATABASES_LIMIT, REGION_OWN_ASSOCIATIONS } from "./limits";
import { FieldReader, isPlainObject } from "./fields";
import { credentialsSeedCommand } from "./hints";
import { readVolumeKmsKeyId } from "./kmsKey";
import { AZ, DNS_LABEL, DNS_NAME, EXPECT, HOSTED_ZONE, NODE_IMAGE, ROLE_ARN, SUBNET, VERSION } from "./patterns";
import { ProblemList } from "./problems";
import { readMonitoring } from "./readMonitoring";
import { readBackup, readInstanceType, readVolume } from "./readVolume";
import { readAccess } from "./readAccess";
import { DEFAULT_NODE_PROVISIONER, readNodeProvisioner } from "./nodeProvisioner";
import { AccessSpec, DnsTarget, GatewaySpec, RegionDefaults, RegionSpec } from "./types";
import type { RawStackConfig } from "./rawConfig";
import { MAX_CELL_STACK_LENGTH } from "./cells";
import { readWindowField } from "./readMaintenance";
import { readRollout } from "./readRollout";

const REGION_FIELDS = [
    "clusterName", "hostedZoneId", "dnsSuffix", "nodeRoleArn", "subnets", "ingress", "gateway", "dnsTarget",
    "monitoringNamespace", "monitoring", "maxDatabases", "volumeKmsKeyId", "defaults", "channels", "retiredIds",
    "nodeProvisioner", "sharedClusterOwner", "rollout",
];
const INGRESS_FIELDS = ["className", "clusterIssuer", "loadBalancerHostname", "namespace"];
const GATEWAY_FIELDS = [
    "name", "namespace", "className", "httpsListener", "httpsPort", "postgresEntryPoint", "ilpEntryPoint", "clusterIssuer", "loadBalancerHostname",
];
const DEFAULTS_FIELDS = ["questdbVersion", "nodeImage", "instanceType", "volume", "backup", "access", "maintenanceWindow"];
const DNS_TARGETS = ["gateway", "ingress"] as const;
/** The fix for a region written before allowlists existed: say how to keep today's behaviour, and how to do better. */
export const ACCESS_MIGRATION_FIX =
    'add defaults.access.allowedCidrs: the client networks allowed by default, such as ["203.0.113.0/24"]; ' +
    '["0.0.0.0/0"] keeps the open access regions had before allowlists existed; [] allows no external access';

/**
 * The parts of the region that validated, even when others did not, so that every database is
 * still checked against them and one run lists every problem.
 */
export interface RegionFacts {
    /** The stack's name, always known: what a move's marker and `originStack` are compared with. */
    readonly stack: string;
    readonly spec?: RegionSpec;
    readonly subnets?: Readonly<Record<string, string>>;
    readonly dnsSuffix?: string;
    readonly defaults?: RegionDefaults;
    readonly access?: AccessSpec;
    readonly channels?: Readonly<Record<string, string>>;
    /** The capacity guard, when it validated: fleet-wide checks run even when the rest did not. */
    readonly maxDatabases?: number;
    /** Ids of removed databases, when they validated: never reused, checked fleet-wide. */
    readonly retiredIds?: readonly string[];
}

export function readRegion(raw: RawStackConfig, problems: ProblemList): RegionFacts {
    if (!raw.hasCredentialsSeed) {
        problems.add("region", "questdb-cloud:credentialsSeed", undefined, "the secret that database credentials derive from is not set",
            `run ${credentialsSeedCommand(raw.stack)} once for this stack`);
    }
    if (!isPlainObject(raw.region)) {
        problems.add("region", "questdb-cloud:region", raw.region, "is required and must be an object",
            "add questdb-cloud:region with clusterName, hostedZoneId, dnsSuffix, nodeRoleArn, subnets, gateway (or ingress) and defaults");
        return { stack: raw.stack };
    }
    const awsRegion = readAwsRegion(raw, problems);
    const r = new FieldReader(raw.region, "region", problems);
    r.rejectUnknownFields(REGION_FIELDS);
    const clusterName = r.requireString("clusterName", { pattern: /^[0-9A-Za-z][A-Za-z0-9_-]{0,99}$/, expected: "the name of the region's EKS cluster" });
    const hostedZoneId = r.requireString("hostedZoneId", { pattern: HOSTED_ZONE, expected: "a Route53 hosted zone id such as Z0123456789ABCDEFGHIJ" });
    const dnsSuffix = r.requireString("dnsSuffix", { pattern: DNS_NAME, expected: "a lowercase DNS name such as eu-west-1.db.example.com" });
    const nodeRoleArn = r.requireString("nodeRoleArn", { pattern: ROLE_ARN, expected: "an IAM role ARN such as arn:aws:iam::123456789012:role/qdb-node" });
    const subnets = readSubnets(r, awsRegion);
    const ingress = r.has("ingress") ? readIngress(r) : undefined;
    const gateway = r.has("gateway") ? readGateway(r) : undefined;
    const dnsTarget = readDnsTarget(r);
    const monitoringNamespace = r.optionalString("monitoringNamespace", { pattern: DNS_LABEL, expected: EXPECT.k8sName }) ?? DEFAULTS.monitoringNamespace;
    const monitoring = readMonitoring(r);
    const maxRead = readMaxDatabases(r);
    const maxDatabases = maxRead ?? DEFAULTS.maxDatabases;
    const volumeKmsKeyId = readVolumeKmsKeyId(r, awsRegion);
    const defaults = readRegionDefaults(r);
    const channels = readChannels(r);
    const retiredIds = readRetiredIds(r);
    const nodeProvisioner = readNodeProvisioner(r);
    const sharedClusterOwner = readSharedClusterOwner(r, raw.stack);
    const rollout = readRollout(r);
    const provisionerOk = nodeProvisioner !== undefined || !r.has("nodeProvisioner");
    const maxValid = maxRead !== undefined || !r.has("maxDatabases");
    const facts = { stack: raw.stack, subnets, dnsSuffix, defaults, channels, access: defaults?.access, maxDatabases: maxValid ? maxDatabases : undefined, retiredIds };
    const endpointsOk = (!r.has("ingress") || ingress) && (!r.has("gateway") || gateway) && dnsTarget !== null;
    if (!awsRegion || !clusterName || !hostedZoneId || !dnsSuffix || !nodeRoleArn || !subnets || !endpointsOk || !defaults || !channels || !retiredIds || !provisionerOk || sharedClusterOwner === null) {
        return facts;
    }
    const spec: RegionSpec = {
        stack: raw.stack, awsRegion, clusterName, hostedZoneId, dnsSuffix, nodeRoleArn, subnets, ingress, gateway,
        dnsTarget: dnsTarget ?? (gateway ? "gateway" : "ingress"), monitoringNamespace, monitoring, maxDatabases, volumeKmsKeyId, defaults, channels, retiredIds,
        nodeProvisioner: nodeProvisioner ?? DEFAULT_NODE_PROVISIONER, rollout,
        ...(sharedClusterOwner ? { sharedClusterOwner } : {}),
    };
    return { ...facts, spec };
}

function readAwsRegion(raw: RawStackConfig, problems: ProblemList): string | undefined {
    if (typeof raw.awsRegion === "string" && /^[a-z]{2}(-[a-z]+)+-\d$/.test(raw.awsRegion)) {
        return raw.awsRegion;
    }
    problems.add("region", "aws:region", raw.awsRegion, "must name the AWS region of this stack",
        `run \`pulumi config set aws:region <region> --stack ${raw.stack}\`, such as eu-west-1`);
    return undefined;
}

function readSubnets(r: FieldReader, awsRegion: string | undefined): Record<string, string> | undefined {
    const s = r.requireObject("subnets", "{<availability zone>: <private subnet id>}");
    if (!s) {
        return undefined;
    }
    const subnets: Record<string, string> = {};
    for (const [az] of s.entries()) {
        if (!AZ.test(az)) {
            s.problem(az, "is not an availability zone name", "key each subnet by its AZ, such as eu-west-1a");
        } else if (awsRegion && !az.startsWith(awsRegion)) {
            s.problem(az, `is not in this stack's region ${awsRegion}`, `use the subnets of ${awsRegion}, or move this region to its own stack`);
        }
        const id = s.optionalString(az, { pattern: SUBNET, expected: "a subnet id such as subnet-0123456789abcdef0" });
        if (id && AZ.test(az) && (!awsRegion || az.startsWith(awsRegion))) {
            subnets[az] = id;
        }
    }
    if (s.entries().length === 0) {
        r.problem("subnets", "no subnet is listed", "map at least one availability zone to its private subnet id");
        return undefined;
    }
    return subnets;
}

function readIngress(r: FieldReader): RegionSpec["ingress"] | undefined {
    const i = r.requireObject("ingress", "className, clusterIssuer, loadBalancerHostname");
    if (!i) {
        return undefined;
    }
    i.rejectUnknownFields(INGRESS_FIELDS);
    const className = i.requireString("className", { pattern: DNS_LABEL, expected: "the IngressClass name, such as nginx" });
    const clusterIssuer = i.requireString("clusterIssuer", { pattern: DNS_LABEL, expected: "a cert-manager ClusterIssuer name, such as letsencrypt-prod" });
    const loadBalancerHostname = i.requireString("loadBalancerHostname", { pattern: DNS_NAME, expected: "the DNS name of the ingress controller's load balancer" });
    const namespace = i.optionalString("namespace", { pattern: DNS_LABEL, expected: EXPECT.k8sName }) ?? DEFAULTS.ingressNamespace;
    if (!className || !clusterIssuer || !loadBalancerHostname) {
        return undefined;
    }
    return { className, clusterIssuer, loadBalancerHostname, namespace };
}

/**
 * `dnsTarget`, checked against the endpoint blocks present: undefined when left to its default,
 * null when bad (a problem is recorded). At least one of ingress and gateway must exist.
 */
function readDnsTarget(r: FieldReader): DnsTarget | undefined | null {
    if (!r.has("ingress") && !r.has("gateway")) {
        r.problem("gateway", "neither gateway nor ingress is set: databases would have no endpoint",
            "add a gateway block (name, clusterIssuer, loadBalancerHostname; README \"Stack config contract\"), or keep the legacy ingress block");
        return null;
    }
    const target = r.optionalString("dnsTarget", { pattern: /^(gateway|ingress)$/, expected: DNS_TARGETS.join(" or ") });
    if (r.has("dnsTarget") && !target) {
        return null;
    }
    if (target && !r.has(target)) {
        r.problem("dnsTarget", `points DNS at ${target}, but the region has no ${target} block`,
            `add the ${target} block, or set dnsTarget to ${DNS_TARGETS.find((t) => t !== target)}`);
        return null;
    }
    return target as DnsTarget | undefined;
}

function readGateway(r: FieldReader): GatewaySpec | undefined {
    const g = r.optionalObject("gateway", "name, clusterIssuer, loadBalancerHostname and optionally namespace, className, httpsListener, httpsPort, postgresEntryPoint, ilpEntryPoint");
    if (!g) {
        return undefined;
    }
    g.rejectUnknownFields(GATEWAY_FIELDS);
    const base = DEFAULTS.gateway;
    const name = g.requireString("name", { pattern: DNS_LABEL, expected: "the name of the region's Gateway, such as questdb" });
    const namespace = g.optionalString("namespace", { pattern: DNS_LABEL, expected: EXPECT.k8sName }) ?? base.namespace;
    const className = g.optionalString("className", { pattern: DNS_LABEL, expected: "a GatewayClass name, such as traefik; omit it to reference an existing Gateway" });
    const httpsListener = g.optionalString("httpsListener", { pattern: DNS_LABEL, expected: "the HTTPS listener's name, such as websecure" }) ?? base.httpsListener;
    const httpsPort = g.optionalInteger("httpsPort", { min: 1, max: 65535 }) ?? base.httpsPort;
    const entryPoint = { pattern: /^[A-Za-z0-9][A-Za-z0-9_-]*$/, expected: "a Traefik entry point name, such as postgres" };
    const postgresEntryPoint = g.optionalString("postgresEntryPoint", entryPoint) ?? base.postgresEntryPoint;
    const ilpEntryPoint = g.optionalString("ilpEntryPoint", entryPoint) ?? base.ilpEntryPoint;
    const clusterIssuer = g.requireString("clusterIssuer", { pattern: DNS_LABEL, expected: "a cert-manager ClusterIssuer name, such as letsencrypt-prod" });
    const loadBalancerHostname = g.requireString("loadBalancerHostname", { pattern: DNS_NAME, expected: "the DNS name of the NLB in front of the gateway" });
    if (!name || !clusterIssuer || !loadBalancerHostname) {
        return undefined;
    }
    return { name, namespace, className, httpsListener, httpsPort, postgresEntryPoint, ilpEntryPoint, clusterIssuer, loadBalancerHostname };
}

function readRegionDefaults(r: FieldReader): RegionDefaults | undefined {
    const d = r.requireObject("defaults", "questdbVersion, nodeImage, instanceType, access and optionally volume, backup and maintenanceWindow");
    if (!d) {
        return undefined;
    }
    d.rejectUnknownFields(DEFAULTS_FIELDS);
    const questdbVersion = d.requireString("questdbVersion", { pattern: VERSION, expected: EXPECT.version });
    const nodeImage = d.requireString("nodeImage", { pattern: NODE_IMAGE, expected: EXPECT.nodeImage });
    const instanceType = readInstanceType(d, true);
    const volume = readVolume(d, DEFAULTS.volume);
    const backup = readBackup(d, DEFAULTS.backup);
    const access = readAccess(d, undefined, ACCESS_MIGRATION_FIX);
    const maintenanceWindow = readWindowField(d);
    if (!questdbVersion || !nodeImage || !instanceType || !volume || !backup || !access || maintenanceWindow === null) {
        return undefined;
    }
    return { questdbVersion, nodeImage, instanceType, volume, backup, access, ...(maintenanceWindow ? { maintenanceWindow } : {}) };
}

/** The valid channels; a bad one is a problem, and the rest still let databases be checked. */
function readChannels(r: FieldReader): Record<string, string> | undefined {
    const c = r.optionalObject("channels", '{<channel>: <QuestDB version>}, such as {stable: "8.2.3", canary: "8.2.4"}');
    if (!c) {
        return r.has("channels") ? undefined : {};
    }
    const channels: Record<string, string> = {};
    for (const [name] of c.entries()) {
        const version = c.optionalString(name, { pattern: VERSION, expected: EXPECT.version });
        if (!DNS_LABEL.test(name)) {
            c.problem(name, "is not a channel name", "name channels with lowercase letters, digits and '-', such as canary");
        } else if (version) {
            channels[name] = version;
        }
    }
    return channels;
}

/** The ids of removed databases: a list of DNS labels, never reused (checked in validate.ts). */
function readRetiredIds(r: FieldReader): string[] | undefined {
    const raw = r.raw("retiredIds");
    if (raw === undefined) {
        return [];
    }
    if (!Array.isArray(raw)) {
        r.problem("retiredIds", "expected a list of database ids", "write retiredIds as a YAML list, such as [old-customer]; `qdb remove` maintains it");
        return undefined;
    }
    const bad = Array.from(raw).map((id, i) => [id, i] as const).filter(([id]) => typeof id !== "string" || !DNS_LABEL.test(id));
    for (const [id, i] of bad) {
        r.problem(`retiredIds.${i}`, "is not a database id", "list the ids of removed databases, as they were written", id);
    }
    return bad.length === 0 ? [...(raw as string[])] : undefined;
}

/**
 * Every database that is not decommissioned holds a Pod Identity association (its backup) and the
 * region one more (its drills); EKS allows 1,000 per cluster and cannot raise it, on either node
 * path (inventory/limits.ts). More than that cannot work, so it is refused with the limit's source.
 */
function readMaxDatabases(r: FieldReader): number | undefined {
    const raw = r.raw("maxDatabases");
    if (typeof raw !== "number" || !Number.isInteger(raw) || raw <= MAX_DATABASES_LIMIT) {
        return r.optionalInteger("maxDatabases", { min: 1, max: MAX_DATABASES_LIMIT });
    }
    const quota = AWS_QUOTAS.podIdentityAssociationsPerCluster;
    r.problem("maxDatabases",
        `cannot work: each database holds an EKS Pod Identity association (its backup role) and the region ${REGION_OWN_ASSOCIATIONS} more (its restore drills), and EKS allows ${quota.value} per cluster, not adjustable (${quota.source}); so at most ${MAX_DATABASES_LIMIT}`,
        `set questdb-cloud:region.maxDatabases to ${MAX_DATABASES_LIMIT} or less, and open a new region stack on another cluster for more databases`);
    return undefined;
}

/**
 * `sharedClusterOwner`: a stack name; undefined when absent, null when bad. A cell's own stack
 * name becomes part of its drills namespace, so it must be a short DNS label.
 */
function readSharedClusterOwner(r: FieldReader, stack: string): string | undefined | null {
    const owner = r.optionalString("sharedClusterOwner", { pattern: /^[A-Za-z0-9][A-Za-z0-9._-]*$/, expected: "the name of the stack that owns this cluster's shared objects (itself on the owner)" });
    if (!r.has("sharedClusterOwner")) {
        return undefined;
    }
    if (!owner) {
        return null;
    }
    if (owner !== stack && !(DNS_LABEL.test(stack) && stack.length <= MAX_CELL_STACK_LENGTH)) {
        r.problem("sharedClusterOwner", `this cell's stack name "${stack}" must be a lowercase DNS label of at most ${MAX_CELL_STACK_LENGTH} characters: its drills namespace is questdb-drills-<stack>`,
            "rename the stack (`pulumi stack rename`) and its file, or make it the owner", owner);
        return null;
    }
    return owner;
}
