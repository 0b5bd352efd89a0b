// The tier's own EC2 calls (set-up and inspection of moto's state), made with the same AWS CLI the
// scripts use, straight to moto: never through the proxy, so they neither inject nor are recorded.
import { runChecked } from "../support/process";

/** A snapshot or volume tag set as EC2 answers it. */
export type Tags = Readonly<Record<string, string>>;

export interface Snapshot {
    readonly SnapshotId: string;
    readonly VolumeId: string;
    readonly State: string;
    readonly StartTime: string;
    readonly Description?: string;
    readonly Tags?: readonly { Key: string; Value: string }[];
}

export interface Volume {
    readonly VolumeId: string;
    readonly SnapshotId?: string;
    readonly AvailabilityZone: string;
    readonly Size: number;
    readonly State: string;
    readonly VolumeType: string;
    readonly Tags?: readonly { Key: string; Value: string }[];
}

/** `aws ec2 ARGS --output json`, parsed, with `env` (RunningMoto.env: its PATH's `aws` reaches moto). */
export async function ec2(env: Readonly<Record<string, string>>, args: readonly string[]): Promise<any> {
    const out = await runChecked("aws", ["ec2", ...args, "--output", "json"], { env: { ...process.env, ...env } });
    return out.stdout.trim() === "" ? undefined : JSON.parse(out.stdout);
}

/** The `--tag-specifications` JSON for one resource type. */
export function tagSpecification(resourceType: "snapshot" | "volume", tags: Tags): string {
    return JSON.stringify([{ ResourceType: resourceType, Tags: Object.entries(tags).map(([Key, Value]) => ({ Key, Value })) }]);
}

/** A tag list as a plain object. */
export function tagsOf(item: { Tags?: readonly { Key: string; Value: string }[] }): Record<string, string> {
    return Object.fromEntries((item.Tags ?? []).map((t) => [t.Key, t.Value]));
}

export async function createVolume(env: Readonly<Record<string, string>>, zone: string, sizeGiB: number, tags: Tags = {}): Promise<string> {
    const extra = Object.keys(tags).length ? ["--tag-specifications", tagSpecification("volume", tags)] : [];
    return (await ec2(env, ["create-volume", "--availability-zone", zone, "--size", String(sizeGiB), "--volume-type", "gp3", ...extra])).VolumeId;
}

export async function createSnapshot(env: Readonly<Record<string, string>>, volumeId: string, tags: Tags): Promise<string> {
    return (await ec2(env, ["create-snapshot", "--volume-id", volumeId, "--tag-specifications", tagSpecification("snapshot", tags)])).SnapshotId;
}

/** This account's snapshots (moto also serves public AMI snapshots of other owners). */
export async function ownSnapshots(env: Readonly<Record<string, string>>): Promise<Snapshot[]> {
    return (await ec2(env, ["describe-snapshots", "--owner-ids", "self"])).Snapshots;
}

export async function volumes(env: Readonly<Record<string, string>>): Promise<Volume[]> {
    return (await ec2(env, ["describe-volumes"])).Volumes;
}
