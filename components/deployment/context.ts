import * as pulumi from "@pulumi/pulumi";
import { DATABASE_LABEL, DatabaseSpec, DerivedNames, RegionSpec, derivedNames, logicalName } from "../../inventory";
import type { ClusterFacts } from "../cluster";

/** What every part of one deployment needs to know. Built once per database. */
export interface DeploymentContext {
    readonly parent: pulumi.Resource;
    readonly database: DatabaseSpec;
    readonly region: RegionSpec;
    /** The region's cluster as getCluster reported it (ARN, address family, Service CIDR). */
    readonly cluster: ClusterFacts;
    readonly names: DerivedNames;
    /**
     * The stack name its AWS tags, snapshot tags and backup role carry: the stack it was created
     * in, kept after a move between cells (`originStack`), so that the move changes none of them.
     */
    readonly tagStack: string;
    /** AWS tags carried by every cloud resource of the database. */
    readonly tags: Readonly<Record<string, string>>;
    /** Kubernetes labels carried by every object of the database. */
    readonly labels: Readonly<Record<string, string>>;
}

export function deploymentContext(parent: pulumi.Resource, database: DatabaseSpec, region: RegionSpec, cluster: ClusterFacts): DeploymentContext {
    return {
        parent,
        database,
        region,
        cluster,
        names: derivedNames(database.id, region.dnsSuffix),
        tagStack: tagStackOf(database, region),
        tags: awsTags(database.id, tagStackOf(database, region)),
        labels: { "app.kubernetes.io/name": "questdb", "app.kubernetes.io/managed-by": "pulumi", [DATABASE_LABEL]: database.id },
    };
}

/** The stack a database's tags name: its origin after a move between cells, else its own stack. */
export function tagStackOf(database: Pick<DatabaseSpec, "originStack">, region: Pick<RegionSpec, "stack">): string {
    return database.originStack ?? region.stack;
}

export function awsTags(id: string, stack: string): Record<string, string> {
    return { [DATABASE_LABEL]: id, "questdb.cloud/stack": stack, "managed-by": "pulumi" };
}

/** The Pulumi name of a part of the database, e.g. `acme-volume`. */
export function partName(ctx: DeploymentContext, part: string): string {
    return logicalName(ctx.database.id, part);
}
