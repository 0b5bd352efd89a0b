import { databasesOf, shippedStackBody } from "../../test/support/stacks";

/** Name of the stack the tier generates (no file ships it). */
export const GENERATED_STACK = "generated";

/**
 * A stack no file ships: the dev stack plus a database on a QuestDB 9 release whose serverConf
 * overrides several keys, so that the tier checks a newer server and more overrides than the
 * shipped stacks carry.
 */
export function generatedStackBody(): unknown {
    const body = shippedStackBody("dev");
    const first = databasesOf(body)[0];
    databasesOf(body).push({
        id: "generated-tuned",
        availabilityZone: first.availabilityZone,
        questdbVersion: "9.0.3",
        serverConf: {
            "cairo.max.uncommitted.rows": 250000,
            "cairo.wal.enabled.default": true,
            "line.tcp.maintenance.job.interval": 2000,
            "line.tcp.writer.worker.count": 2,
            "pg.select.cache.enabled": false,
            "shared.worker.count": 2,
        },
    });
    return body;
}
