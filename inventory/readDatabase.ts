import { FieldReader, isPlainObject } from "./fields";
import { architectureOf } from "./instanceTypes";
import { NAME_LIMITS, derivedNames, maxIdLength } from "./names";
import { AZ, DNS_LABEL, EXPECT, NODE_IMAGE, VERSION } from "./patterns";
import { ProblemList } from "./problems";
import { RegionFacts } from "./readRegion";
import { readAccess } from "./readAccess";
import { readBackup, readInstanceType, readVolume } from "./readVolume";
import { checkServerConf } from "./serverConf";
import { AdoptSpec, AdoptStep, DatabaseSpec, DatabaseState } from "./types";
import { DEFAULTS } from "./defaults";
import { readNodeProvisioner } from "./nodeProvisioner";
import { readMaintenanceFields } from "./readMaintenance";
import { readOriginStack } from "./moves";

const DATABASE_FIELDS = [
    "id", "availabilityZone", "instanceType", "volume", "questdbVersion", "channel", "allowMajorDowngrade",
    "nodeImage", "serverConf", "allowDangerousServerConf", "allowUnknownServerConf", "state", "backup", "restoreFromSnapshot", "adopt", "access",
    "nodeProvisioner", "maintenanceWindow", "pending", "maintenanceOverride", "promotedAt", "originStack",
];
const ADOPT_FIELDS = ["step", "volumeId", "nodeGroupName", "launchTemplateId", "dnsRecord", "kubernetes"];
export const ADOPT_STEPS: readonly AdoptStep[] = ["import", "converge"];
export const STATES: readonly DatabaseState[] = ["active", "paused", "decommissioned"];

export function databaseWhere(entry: unknown, index: number): string {
    const id = isPlainObject(entry) ? entry.id : undefined;
    return typeof id === "string" && id !== "" ? `database "${id}"` : `database #${index + 1} (no valid id)`;
}

/** Reads one entry; returns undefined (with problems recorded) when anything is wrong. */
export function readDatabase(entry: unknown, index: number, region: RegionFacts, problems: ProblemList): DatabaseSpec | undefined {
    const where = databaseWhere(entry, index);
    if (!isPlainObject(entry)) {
        problems.add(where, "(entry)", entry, "expected an object", "write each database as a map with at least id and availabilityZone");
        return undefined;
    }
    const d = new FieldReader(entry, where, problems);
    d.rejectUnknownFields(DATABASE_FIELDS);
    const before = problems.items.length;
    const id = readId(d, region);
    const availabilityZone = readAvailabilityZone(d, region);
    const instanceType = readInstanceType(d, false);
    const version = readVersion(d, region);
    const allowMajorDowngrade = d.optionalBoolean("allowMajorDowngrade") ?? false;
    const nodeImage = d.optionalString("nodeImage", { pattern: NODE_IMAGE, expected: EXPECT.nodeImage });
    const state = d.optionalString("state", { pattern: new RegExp(`^(${STATES.join("|")})$`), expected: `one of ${STATES.join(", ")}` });
    const serverConf = checkServerConf(d, version?.questdbVersion);
    const volume = readVolume(d, region.defaults?.volume ?? DEFAULTS.volume);
    const backup = readBackup(d, region.defaults?.backup ?? DEFAULTS.backup);
    const restoreFromSnapshot = d.optionalString("restoreFromSnapshot", { pattern: /^snap-[0-9a-f]{8,17}$/, expected: "an EBS snapshot id such as snap-0123456789abcdef0" });
    const adopt = readAdopt(d);
    const access = readAccess(d, region.access);
    const nodeProvisioner = readNodeProvisioner(d);
    const originStack = readOriginStack(d, region.stack);
    const maintenance = readMaintenanceFields(d, entry, region.defaults?.maintenanceWindow, (e, scratch) => readDatabase(e, index, region, scratch), problems);
    const { spec } = region;
    if (problems.items.length > before || !spec || !id || !availabilityZone || !serverConf || !volume || !backup || !version || !access || !maintenance || originStack === null) {
        return undefined;
    }
    const resolvedType = instanceType ?? spec.defaults.instanceType;
    return {
        id, availabilityZone, subnetId: spec.subnets[availabilityZone], instanceType: resolvedType,
        architecture: architectureOf(resolvedType), volume, questdbVersion: version.questdbVersion, channel: version.channel,
        allowMajorDowngrade, nodeImage: nodeImage ?? spec.defaults.nodeImage, nodeProvisioner: nodeProvisioner ?? spec.nodeProvisioner, serverConf,
        state: (state as DatabaseState | undefined) ?? DEFAULTS.state, backup, restoreFromSnapshot, adopt, access,
        ...definedOnly(maintenance),
        ...(originStack ? { originStack } : {}),
    };
}

/** Absent maintenance fields stay absent: a spec without a window is the spec of before windows existed. */
function definedOnly<T extends object>(fields: T): Partial<T> {
    return Object.fromEntries(Object.entries(fields).filter(([, value]) => value !== undefined)) as Partial<T>;
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

/** A pinned version wins; otherwise the channel's version; otherwise the region default. */
function readVersion(d: FieldReader, region: RegionFacts): { questdbVersion: string; channel?: string } | undefined {
    const pinned = d.optionalString("questdbVersion", { pattern: VERSION, expected: EXPECT.version });
    const channel = d.optionalString("channel", { pattern: DNS_LABEL, expected: "the name of a channel in questdb-cloud:region.channels" });
    if (pinned && channel) {
        d.problem("channel", `is set together with questdbVersion "${pinned}"`, "either pin questdbVersion or follow a channel: remove one of them");
        return undefined;
    }
    if (channel && region.channels && !(channel in region.channels)) {
        const known = Object.keys(region.channels).join(", ") || "none are defined";
        d.problem("channel", "is not a channel of this region", `use one of the channels in questdb-cloud:region.channels (${known})`);
        return undefined;
    }
    const fromChannel = channel ? region.channels?.[channel] : undefined;
    const questdbVersion = pinned ?? fromChannel ?? region.defaults?.questdbVersion;
    return questdbVersion ? { questdbVersion, channel } : undefined;
}

function readAdopt(d: FieldReader): AdoptSpec | undefined {
    const a = d.optionalObject("adopt", "{step, volumeId, nodeGroupName, launchTemplateId, dnsRecord, kubernetes}");
    if (!a) {
        return undefined;
    }
    a.rejectUnknownFields(ADOPT_FIELDS);
    const step = a.requireString("step", {
        pattern: /^(import|converge)$/,
        expected: "import (take the legacy resources over exactly as they are), then converge in a later, separately reviewed change",
    }) as AdoptStep | undefined;
    return {
        step: step ?? "import",
        kubernetes: a.optionalBoolean("kubernetes") ?? false,
        volumeId: a.optionalString("volumeId", { pattern: /^vol-[0-9a-f]{8,17}$/, expected: "an EBS volume id such as vol-0123456789abcdef0" }),
        nodeGroupName: a.optionalString("nodeGroupName", { pattern: /^[0-9A-Za-z][A-Za-z0-9_-]{0,62}$/, expected: "the existing EKS node group's name" }),
        launchTemplateId: a.optionalString("launchTemplateId", { pattern: /^lt-[0-9a-f]{8,17}$/, expected: "a launch template id such as lt-0123456789abcdef0" }),
        dnsRecord: a.optionalBoolean("dnsRecord") ?? false,
    };
}
