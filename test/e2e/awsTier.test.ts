// The AWS tier's pure helpers (e2e/aws): the proxy's reading of AWS requests and EC2 answers, and
// the policy Action matching, checked without moto (npm test).
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { awsRequest, createdId, ec2InternalError, ec2NotFound, listParam, signingService, withStartTimes } from "../../e2e/aws/ec2Query";
import { actionMatches, actionsNotAllowed, allowedActionPatterns } from "../../e2e/aws/policyActions";
import { backupPolicyDocument } from "../../components/deployment/backup";
import { drillPolicyDocument } from "../../components/restoreDrills";

const AUTH = "AWS4-HMAC-SHA256 Credential=testing/20261204/us-east-1/ec2/aws4_request, SignedHeaders=host;x-amz-date, Signature=00";

describe("which AWS action a request is", () => {
    it("EC2's query protocol: the signing service and the Action form parameter, with the list parameters in order", () => {
        const r = awsRequest({ authorization: AUTH, "content-type": "application/x-www-form-urlencoded; charset=utf-8" }, "/",
            "Action=DescribeVolumes&Version=2016-11-15&VolumeId.2=vol-b&VolumeId.1=vol-a&VolumeId.10=vol-j");
        assert.equal(r.action, "ec2:DescribeVolumes");
        assert.deepEqual(listParam(r.params, "VolumeId"), ["vol-a", "vol-b", "vol-j"]);
        assert.deepEqual(listParam(r.params, "SnapshotId"), []);
    });
    it("a JSON protocol: X-Amz-Target's operation under the signing service", () => {
        const r = awsRequest({ authorization: AUTH.replace("/ec2/", "/eks/"), "x-amz-target": "AWSEKS_20171101.DescribeCluster" }, "/", "{}");
        assert.equal(r.action, "eks:DescribeCluster");
        assert.equal(signingService(undefined), undefined);
        assert.equal(awsRequest({}, "/", "").action, "unknown:unknown");
    });
});

describe("EC2 answers the proxy reads and writes", () => {
    it("NotFound and InternalError in EC2's XML error format, with the code the scripts' retry and the CLI's retry look for", () => {
        const nf = ec2NotFound("volume", "vol-1", "r1");
        assert.equal(nf.status, 400);
        assert.equal(nf.code, "InvalidVolume.NotFound");
        assert.match(nf.body, /<Response><Errors><Error><Code>InvalidVolume\.NotFound<\/Code><Message>The volume 'vol-1' does not exist\.<\/Message><\/Error><\/Errors><RequestID>r1<\/RequestID><\/Response>$/);
        assert.equal(ec2NotFound("snapshot", "snap-1", "r").code, "InvalidSnapshot.NotFound");
        const lost = ec2InternalError("r2");
        assert.deepEqual([lost.status, lost.code], [500, "InternalError"]);
        assert.match(lost.body, /<Code>InternalError<\/Code>/);
    });
    it("the id a create answered with, and nothing for other actions", () => {
        assert.deepEqual(createdId("ec2:CreateSnapshot", "<CreateSnapshotResponse><snapshotId>snap-9</snapshotId><volumeId>vol-1</volumeId></CreateSnapshotResponse>"), { kind: "snapshot", id: "snap-9" });
        assert.deepEqual(createdId("ec2:CreateVolume", "<CreateVolumeResponse><snapshotId>snap-9</snapshotId><volumeId>vol-2</volumeId></CreateVolumeResponse>"), { kind: "volume", id: "vol-2" });
        assert.equal(createdId("ec2:DescribeVolumes", "<volumeId>vol-2</volumeId>"), undefined);
    });
    it("backdates only the named snapshots' StartTime, tags before the id included", () => {
        const item = (id: string) => `<item><tagSet><item><key>k</key><value>v</value></item></tagSet><snapshotId>${id}</snapshotId><volumeId>vol-1</volumeId><startTime>2026-12-04T18:00:00.000Z</startTime></item>`;
        const xml = `<DescribeSnapshotsResponse><snapshotSet>${item("snap-a")}${item("snap-b")}</snapshotSet></DescribeSnapshotsResponse>`;
        const out = withStartTimes(xml, new Map([["snap-b", "2026-10-01T00:00:00.000Z"]]));
        assert.equal(out, xml.replace(/(snap-b<\/snapshotId><volumeId>vol-1<\/volumeId><startTime>)[^<]+/, "$12026-10-01T00:00:00.000Z"));
        assert.equal(withStartTimes(xml, new Map()), xml);
    });
});

describe("a call's action against a policy's Allow statements", () => {
    it("IAM's wildcards, case-insensitive; Deny statements allow nothing", () => {
        assert.ok(actionMatches("ec2:Describe*", "ec2:DescribeVolumes"));
        assert.ok(actionMatches("EC2:describesnapshots", "ec2:DescribeSnapshots"));
        assert.ok(actionMatches("kms:ReEncrypt*", "kms:ReEncryptFrom"));
        assert.ok(actionMatches("ec2:?reateVolume", "ec2:CreateVolume"));
        assert.equal(actionMatches("ec2:Describe*", "ec2:DeleteVolume"), false);
        assert.equal(actionMatches("ec2:CreateVolume", "ec2:CreateVolumes"), false);
        assert.equal(actionMatches("ec2:Create.olume", "ec2:CreateVolume"), false);
        const policy = { Statement: [{ Effect: "Deny", Action: "ec2:*" }, { Effect: "Allow", Action: ["ec2:Describe*"] }] };
        assert.deepEqual(allowedActionPatterns(policy), ["ec2:Describe*"]);
        assert.deepEqual(actionsNotAllowed(["ec2:DescribeVolumes", "ec2:DeleteVolume", "ec2:DeleteVolume"], policy), ["ec2:DeleteVolume"]);
    });
    it("the program's backup and drill policies allow what their scripts call, and no more of EC2's writes", () => {
        const backup = backupPolicyDocument({ id: "acme", stack: "prod", awsRegion: "us-east-1", volumeArn: "arn:aws:ec2:us-east-1:1:volume/vol-1" });
        assert.deepEqual(actionsNotAllowed(["ec2:CreateSnapshot", "ec2:DescribeSnapshots", "ec2:DeleteSnapshot"], backup), []);
        assert.deepEqual(actionsNotAllowed(["ec2:CreateVolume", "ec2:DeleteVolume"], backup), ["ec2:CreateVolume", "ec2:DeleteVolume"]);
        const drill = drillPolicyDocument({ awsRegion: "us-east-1", stack: "prod", volumeKmsKeyId: undefined });
        assert.deepEqual(actionsNotAllowed(["ec2:DescribeSnapshots", "ec2:CreateVolume", "ec2:DescribeVolumes", "ec2:DeleteVolume"], drill), []);
        assert.deepEqual(actionsNotAllowed(["ec2:DeleteSnapshot", "ec2:CreateSnapshot"], drill), ["ec2:DeleteSnapshot", "ec2:CreateSnapshot"]);
    });
});
