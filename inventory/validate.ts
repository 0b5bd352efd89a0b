import { DEFAULTS } from "./defaults";
import { FieldReader, isPlainObject } from "./fields";
import { isKnownInstanceType, architectureOf } from "./instanceTypes";
import { GP3 } from "./limits";
import { NAME_LIMITS, derivedNames, maxIdLength } from "./names";
import { InventoryError, ProblemList } from "./problems";
import { DatabaseSpec, Inventory, MonitoringSpec, RegionDefaults, RegionSpec, VolumeSpec } from "./types";
import { checkServerConf } from "./serverConf";

/** The stack config as Pulumi hands it over: `questdb-cloud:region` and `questdb-cloud:databases`. */
export interface RawStackConfig {
    readonly stack: string;
    /** `aws:region`. */
    readonly awsRegion: unknown;
    readonly region: unknown;
    readonly databases: unknown;
    /** Whether `questdb-cloud:credentialsSeed` is set; only its presence is checked here. */
    readonly hasCredentialsSeed: boolean;
}

const DNS_LABEL = /^[a-z]([a-z0-9-]*[a-z0-9])?$/;
const AZ = /^[a-z]{2}(-[a-z]+)+-\d[a-z]$/;
const SUBNET = /^subnet-[0-9a-f]{8,17}$/;
const VERSION = /^\d+\.\d+\.\d+$/;
const NODE_IMAGE = /^\d+\.\d+\.\d+-\d{8}$/;
const ROLE_ARN = /^arn:aws[a-z-]*:iam::\d{12}:role\/.+$/;
const HOSTED_ZONE = /^Z[A-Z0-9]{1,31}$/;
const DNS_NAME = /^([a-z0-9]([a-z0-9-]*[a-z0-9])?\.)+[a-z]{2,}$/;

const REGION_FIELDS = [
    "clusterName", "hostedZoneId", "dnsSuffix", "nodeRoleArn", "subnets", "ingress",
    "monitoringNamespace", "monitoring", "maxDatabases", "volumeKmsKeyId", "defaults",
];
const INGRESS_FIELDS = ["className", "clusterIssuer", "loadBalancerHostname", "namespace"];
const DEFAULTS_FIELDS = ["questdbVersion", "nodeImage", "instanceType", "volume"];
const VOLUME_FIELDS = ["sizeGiB", "iops", "throughputMiBps"];
const DATABASE_FIELDS = [
    "id", "availabilityZone", "instanceType", "volume", "questdbVersion", "nodeImage", "serverConf", "state",
];
const STATES = ["active"];

const EXPECT = {
    version: 'a QuestDB release such as "8.2.3"',
    nodeImage: 'an EKS AMI release version such as "1.31.3-20250103"',
    instanceType: "an EC2 instance type such as m7i.xlarge or r7g.2xlarge",
    k8sName: "a lowercase DNS label such as ingress-nginx",
};

/**
 * Parses, defaults and validates a region stack's config. Throws one InventoryError that lists
 * every problem, before any resource is registered.
 */
/**
 * The parts of the region that validated, even when others did not, so that every database is
 * still checked against them and one run lists every problem.
 */
interface RegionFacts {
    readonly spec?: RegionSpec;
    readonly subnets?: Readonly<Record<string, string>>;
    readonly dnsSuffix?: string;
    readonly defaults?: RegionDefaults;
}

export function validateInventory(raw: RawStackConfig): Inventory {
    const problems = new ProblemList();
    const facts = readRegion(raw, problems);
    const region = facts.spec;
    const databases = readDatabases(raw.databases, facts, problems);
    if (region && databases) {
        checkFleet(region, databases, problems);
    }
    if (problems.items.length > 0 || !region || !databases) {
        throw new InventoryError(raw.stack, problems.items);
    }
    return { region, databases };
}

function readRegion(raw: RawStackConfig, problems: ProblemList): RegionFacts {
    if (!raw.hasCredentialsSeed) {
        problems.add("region", "questdb-cloud:credentialsSeed", undefined, "the secret that database credentials derive from is not set",
            "run `pulumi config set --secret questdb-cloud:credentialsSeed \"$(openssl rand -base64 32)\"` once for this stack");
    }
    if (!isPlainObject(raw.region)) {
        problems.add("region", "questdb-cloud:region", raw.region, "is required and must be an object",
            "add questdb-cloud:region with clusterName, hostedZoneId, dnsSuffix, nodeRoleArn, subnets, ingress and defaults");
        return {};
    }
    const awsRegion = readAwsRegion(raw, problems);
    const r = new FieldReader(raw.region, "region", problems);
    r.rejectUnknownFields(REGION_FIELDS);
    const clusterName = r.requireString("clusterName", { pattern: /^[0-9A-Za-z][A-Za-z0-9_-]{0,99}$/, expected: "the name of the region's EKS cluster" });
    const hostedZoneId = r.requireString("hostedZoneId", { pattern: HOSTED_ZONE, expected: "a Route53 hosted zone id such as Z0123456789ABCDEFGHIJ" });
    const dnsSuffix = r.requireString("dnsSuffix", { pattern: DNS_NAME, expected: "a lowercase DNS name such as eu-west-1.db.example.com" });
    const nodeRoleArn = r.requireString("nodeRoleArn", { pattern: ROLE_ARN, expected: "an IAM role ARN such as arn:aws:iam::123456789012:role/qdb-node" });
    const subnets = readSubnets(r, awsRegion);
    const ingress = readIngress(r);
    const monitoringNamespace = r.optionalString("monitoringNamespace", { pattern: DNS_LABEL, expected: EXPECT.k8sName }) ?? DEFAULTS.monitoringNamespace;
    const monitoring = readMonitoring(r);
    const maxDatabases = r.optionalInteger("maxDatabases", { min: 1, max: 450 }) ?? DEFAULTS.maxDatabases;
    const volumeKmsKeyId = r.optionalString("volumeKmsKeyId", { pattern: /^arn:aws[a-z-]*:kms:/, expected: "a KMS key ARN" });
    const defaults = readRegionDefaults(r);
    const facts = { subnets, dnsSuffix, defaults };
    if (!awsRegion || !clusterName || !hostedZoneId || !dnsSuffix || !nodeRoleArn || !subnets || !ingress || !defaults) {
        return facts;
    }
    const spec: RegionSpec = {
        stack: raw.stack, awsRegion, clusterName, hostedZoneId, dnsSuffix, nodeRoleArn, subnets, ingress,
        monitoringNamespace, monitoring, maxDatabases, volumeKmsKeyId, defaults,
    };
    return { ...facts, spec };
}

function readAwsRegion(raw: RawStackConfig, problems: ProblemList): string | undefined {
    if (typeof raw.awsRegion === "string" && /^[a-z]{2}(-[a-z]+)+-\d$/.test(raw.awsRegion)) {
        return raw.awsRegion;
    }
    problems.add("region", "aws:region", raw.awsRegion, "must name the AWS region of this stack",
        "run `pulumi config set aws:region <region>`, such as eu-west-1");
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

function readRegionDefaults(r: FieldReader): RegionDefaults | undefined {
    const d = r.requireObject("defaults", "questdbVersion, nodeImage, instanceType and optionally volume");
    if (!d) {
        return undefined;
    }
    d.rejectUnknownFields(DEFAULTS_FIELDS);
    const questdbVersion = d.requireString("questdbVersion", { pattern: VERSION, expected: EXPECT.version });
    const nodeImage = d.requireString("nodeImage", { pattern: NODE_IMAGE, expected: EXPECT.nodeImage });
    const instanceType = readInstanceType(d, true);
    const volume = readVolume(d, DEFAULTS.volume);
    if (!questdbVersion || !nodeImage || !instanceType || !volume) {
        return undefined;
    }
    return { questdbVersion, nodeImage, instanceType, volume };
}

function readInstanceType(d: FieldReader, required: boolean): string | undefined {
    const rule = { pattern: /^[a-z0-9-]+\.[a-z0-9]+$/, expected: EXPECT.instanceType };
    const value = required ? d.requireString("instanceType", rule) : d.optionalString("instanceType", rule);
    if (value && !isKnownInstanceType(value)) {
        d.problem("instanceType", "is not an EC2 instance type known to @pulumi/aws", `use ${EXPECT.instanceType}`);
        return undefined;
    }
    return value;
}

/** A volume block merged over `base`, field by field, then checked against gp3's limits. */
function readVolume(parent: FieldReader, base: VolumeSpec): VolumeSpec | undefined {
    const v = parent.optionalObject("volume", "{sizeGiB, iops, throughputMiBps}");
    if (!v) {
        return parent.has("volume") ? undefined : base;
    }
    v.rejectUnknownFields(VOLUME_FIELDS);
    const sizeGiB = v.optionalInteger("sizeGiB", { min: GP3.minSizeGiB, max: GP3.maxSizeGiB, unit: "GiB" });
    const iops = v.optionalInteger("iops", { min: GP3.minIops, max: GP3.maxIops, unit: "IOPS" });
    const throughputMiBps = v.optionalInteger("throughputMiBps", { min: GP3.minThroughputMiBps, max: GP3.maxThroughputMiBps, unit: "MiB/s" });
    if ((v.has("sizeGiB") && !sizeGiB) || (v.has("iops") && !iops) || (v.has("throughputMiBps") && !throughputMiBps)) {
        return undefined;
    }
    const volume = { sizeGiB: sizeGiB ?? base.sizeGiB, iops: iops ?? base.iops, throughputMiBps: throughputMiBps ?? base.throughputMiBps };
    checkVolumeRatios(v, volume);
    return volume;
}

function checkVolumeRatios(v: FieldReader, volume: VolumeSpec): void {
    if (volume.iops > volume.sizeGiB * GP3.maxIopsPerGiB) {
        const minSize = Math.ceil(volume.iops / GP3.maxIopsPerGiB);
        v.problem("iops", `gp3 allows at most ${GP3.maxIopsPerGiB} IOPS per GiB, and the volume has ${volume.sizeGiB} GiB`,
            `lower iops to ${volume.sizeGiB * GP3.maxIopsPerGiB} or raise sizeGiB to at least ${minSize}`, volume.iops);
    }
    if (volume.throughputMiBps > volume.iops * GP3.maxThroughputPerIops) {
        v.problem("throughputMiBps", `gp3 allows at most ${GP3.maxThroughputPerIops} MiB/s per IOPS, and the volume has ${volume.iops} IOPS`,
            `lower throughputMiBps to ${volume.iops * GP3.maxThroughputPerIops} or raise iops to at least ${volume.throughputMiBps / GP3.maxThroughputPerIops}`,
            volume.throughputMiBps);
    }
}

function readDatabases(raw: unknown, region: RegionFacts, problems: ProblemList): DatabaseSpec[] | undefined {
    if (raw === undefined) {
        return [];
    }
    if (!Array.isArray(raw)) {
        problems.add("databases", "questdb-cloud:databases", raw, "expected a list", "write questdb-cloud:databases as a YAML list of database entries");
        return undefined;
    }
    const databases: DatabaseSpec[] = [];
    raw.forEach((entry, index) => {
        const database = readDatabase(entry, index, region, problems);
        if (database) {
            databases.push(database);
        }
    });
    return databases.length === raw.length ? databases : undefined;
}

function databaseWhere(entry: unknown, index: number): string {
    const id = isPlainObject(entry) ? entry.id : undefined;
    return typeof id === "string" && id !== "" ? `database "${id}"` : `database #${index + 1} (no valid id)`;
}

function readDatabase(entry: unknown, index: number, region: RegionFacts, problems: ProblemList): DatabaseSpec | undefined {
    const where = databaseWhere(entry, index);
    if (!isPlainObject(entry)) {
        problems.add(where, "(entry)", entry, "expected an object", "write each database as a map with at least id and availabilityZone");
        return undefined;
    }
    const d = new FieldReader(entry, where, problems);
    d.rejectUnknownFields(DATABASE_FIELDS);
    const id = readId(d, region);
    const availabilityZone = readAvailabilityZone(d, region);
    const instanceType = readInstanceType(d, false);
    const questdbVersion = d.optionalString("questdbVersion", { pattern: VERSION, expected: EXPECT.version });
    const nodeImage = d.optionalString("nodeImage", { pattern: NODE_IMAGE, expected: EXPECT.nodeImage });
    const state = d.optionalString("state", { pattern: new RegExp(`^(${STATES.join("|")})$`), expected: `one of ${STATES.join(", ")}` });
    const serverConf = checkServerConf(d);
    const volume = readVolume(d, region.defaults?.volume ?? DEFAULTS.volume);
    const fieldsOk = (!d.has("instanceType") || instanceType) && (!d.has("questdbVersion") || questdbVersion) &&
        (!d.has("nodeImage") || nodeImage) && (!d.has("state") || state);
    const { spec } = region;
    if (!spec || !id || !availabilityZone || !serverConf || !volume || !fieldsOk) {
        return undefined;
    }
    const resolvedType = instanceType ?? spec.defaults.instanceType;
    return {
        id, availabilityZone, subnetId: spec.subnets[availabilityZone], instanceType: resolvedType,
        architecture: architectureOf(resolvedType), volume,
        questdbVersion: questdbVersion ?? spec.defaults.questdbVersion,
        nodeImage: nodeImage ?? spec.defaults.nodeImage, serverConf, state: "active",
    };
}

function readId(d: FieldReader, region: RegionFacts): string | undefined {
    const id = d.requireString("id", { pattern: DNS_LABEL, expected: "a DNS label: lowercase letters, digits and '-', starting with a letter, such as acme-prod" });
    if (!id) {
        return id;
    }
    const dnsSuffix = region.dnsSuffix ?? "";
    const names = derivedNames(id, dnsSuffix);
    const tooLong = NAME_LIMITS.filter((limit) => limit.length(names) > limit.max).map((limit) => limit.what);
    if (tooLong.length > 0) {
        d.problem("id", `is ${id.length} characters, too long for the ${tooLong.join(" and ")} derived from it`,
            `use an id of at most ${maxIdLength(dnsSuffix)} characters`);
        return undefined;
    }
    return id;
}

function readAvailabilityZone(d: FieldReader, region: RegionFacts): string | undefined {
    const az = d.requireString("availabilityZone", { pattern: AZ, expected: "one of the region's subnet AZs" });
    if (!az || !region.subnets) {
        return az;
    }
    if (!(az in region.subnets)) {
        const known = Object.keys(region.subnets).join(", ");
        d.problem("availabilityZone", "has no subnet in questdb-cloud:region.subnets", `use one of ${known}, or add a subnet for ${az} to the region`);
        return undefined;
    }
    return az;
}

function checkFleet(region: RegionSpec, databases: DatabaseSpec[], problems: ProblemList): void {
    const seen = new Set<string>();
    for (const database of databases) {
        if (seen.has(database.id)) {
            problems.add(`database "${database.id}"`, "id", database.id, "appears more than once",
                "give each database a unique id; ids name every resource, so never reuse one");
        }
        seen.add(database.id);
    }
    if (databases.length > region.maxDatabases) {
        problems.add("region", "maxDatabases", region.maxDatabases,
            `the stack lists ${databases.length} databases, more than maxDatabases allows`,
            "open a new region stack (or cluster) for more databases, or raise maxDatabases after raising the EKS node group quota");
    }
}

const MONITORING_FIELDS = ["prometheusOperator", "grafanaDashboards", "labels"];
const LABEL_KEY = /^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*\/)?[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?$/;
const LABEL_VALUE = /^([A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?)?$/;

/**
 * The region's `monitoring` block, each field defaulted from `DEFAULTS.monitoring`. A bad field
 * records a problem (so validation throws) and falls back to its default here.
 */
function readMonitoring(r: FieldReader): MonitoringSpec {
    const base = DEFAULTS.monitoring;
    const m = r.optionalObject("monitoring", "{prometheusOperator: true, grafanaDashboards: true, labels: {}}");
    if (!m) {
        return base;
    }
    m.rejectUnknownFields(MONITORING_FIELDS);
    const flag = (key: "prometheusOperator" | "grafanaDashboards"): boolean => {
        const value = m.raw(key);
        if (value === undefined || typeof value === "boolean") {
            return value ?? base[key];
        }
        m.problem(key, "expected true or false", `set ${m.path(key)} to true or false (unquoted)`);
        return base[key];
    };
    const labels: Record<string, string> = {};
    const l = m.optionalObject("labels", "{<label key>: <label value>}, such as {release: kube-prometheus-stack}");
    for (const [key, value] of l?.entries() ?? []) {
        if (!LABEL_KEY.test(key) || key.length > 317) {
            l?.problem(key, "is not a Kubernetes label key", "use a key such as release or example.com/team");
        } else if (typeof value !== "string" || !LABEL_VALUE.test(value)) {
            l?.problem(key, "expected a Kubernetes label value: up to 63 letters, digits, '-', '_' or '.'", `quote the value, such as ${key}: "kube-prometheus-stack"`);
        } else {
            labels[key] = value;
        }
    }
    return { prometheusOperator: flag("prometheusOperator"), grafanaDashboards: flag("grafanaDashboards"), labels };
}
