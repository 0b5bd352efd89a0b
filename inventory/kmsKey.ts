import { FieldReader } from "./fields";

/**
 * A KMS key ARN: the only form of `volumeKmsKeyId` that EBS reads back as given. EBS accepts an
 * alias (ARN or `alias/...`) or a bare key id, but stores and returns the key ARN; `kmsKeyId`
 * forces a replacement, so any other form would replace every protected volume on every later
 * preview (terraform-provider-aws #2407, #7407).
 */
export const KMS_KEY_ARN = /^arn:aws[a-z-]*:kms:([a-z]{2}(?:-[a-z]+)+-\d):\d{12}:key\/[A-Za-z0-9-]+$/;
const ALIAS = /^(?:arn:aws[a-z-]*:kms:[a-z0-9-]+:\d{12}:)?(alias\/.+)$/;

/** The command that prints the key ARN behind an alias or key id, for the fix. */
export function describeKeyCommand(keyId: string, awsRegion: string | undefined): string {
    const region = awsRegion ? ` --region ${awsRegion}` : "";
    return `aws kms describe-key --key-id ${keyId}${region} --query KeyMetadata.Arn --output text`;
}

/**
 * Reads `region.volumeKmsKeyId`: a key ARN of the stack's own region (EBS needs the key in the
 * volume's region). An alias or bare key id is refused with the command that resolves it.
 */
export function readVolumeKmsKeyId(r: FieldReader, awsRegion: string | undefined): string | undefined {
    const value = r.optionalString("volumeKmsKeyId", { expected: "a KMS key ARN" });
    if (value === undefined) {
        return undefined;
    }
    const field = "region.volumeKmsKeyId";
    const arn = KMS_KEY_ARN.exec(value);
    if (arn) {
        if (awsRegion && arn[1] !== awsRegion) {
            r.problem("volumeKmsKeyId", `is a key of ${arn[1]}, but EBS needs a key in the volumes' region ${awsRegion}`,
                `set ${field} to the ARN of a key in ${awsRegion} (a multi-Region key's replica there is one)`);
            return undefined;
        }
        return value;
    }
    const alias = ALIAS.exec(value);
    const keyId = alias ? alias[1] : value;
    const what = alias ? "is an alias" : "is not a key ARN";
    r.problem("volumeKmsKeyId",
        `${what}: EBS stores and reads back the key ARN instead, and kmsKeyId forces a replacement, so every data volume would be replaced on every later preview`,
        `set ${field} to the key ARN that \`${describeKeyCommand(keyId, awsRegion)}\` prints`);
    return undefined;
}
