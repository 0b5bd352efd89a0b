/**
 * The @pulumi/aws services the program uses, as `aws.<service>`. The package's index loads all
 * of its ~250 service modules on import (about 150 ms of CPU in every render process, twice per
 * impact); importing the services here loads only those the program uses. Import
 * AWS from this module, not from "@pulumi/aws"; a service the program starts using is added here.
 */
export * as ebs from "@pulumi/aws/ebs";
export * as ec2 from "@pulumi/aws/ec2";
export * as eks from "@pulumi/aws/eks";
export * as iam from "@pulumi/aws/iam";
export * as route53 from "@pulumi/aws/route53";
export * as kms from "@pulumi/aws/kms";
export * as servicequotas from "@pulumi/aws/servicequotas";
