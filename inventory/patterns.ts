/** Formats the validator accepts, and how each is described in a fix. */
export const DNS_LABEL = /^[a-z]([a-z0-9-]*[a-z0-9])?$/;
export const AZ = /^[a-z]{2}(-[a-z]+)+-\d[a-z]$/;
export const SUBNET = /^subnet-[0-9a-f]{8,17}$/;
export const VERSION = /^\d+\.\d+\.\d+$/;
export const NODE_IMAGE = /^\d+\.\d+\.\d+-\d{8}$/;
export const ROLE_ARN = /^arn:aws[a-z-]*:iam::\d{12}:role\/.+$/;
export const HOSTED_ZONE = /^Z[A-Z0-9]{1,31}$/;
export const DNS_NAME = /^([a-z0-9]([a-z0-9-]*[a-z0-9])?\.)+[a-z]{2,}$/;

export const EXPECT = {
    version: 'a QuestDB release such as "8.2.3"',
    nodeImage: 'an EKS AMI release version such as "1.31.3-20250103"',
    instanceType: "an EC2 instance type such as m7i.xlarge or r7g.2xlarge",
    k8sName: "a lowercase DNS label such as ingress-nginx",
};
