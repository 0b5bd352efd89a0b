/**
 * The ids the render's mocks give resources (render/mocks.ts): a hash of the logical name, so a
 * render is the same every time. Pure, without the Pulumi SDK, so that the tools' parent processes
 * can name the ids a render will report (impact's stand-in for the last outputs).
 */
import * as crypto from "crypto";

export function fakeId(prefix: string, name: string, length = 17): string {
    return prefix + crypto.createHash("sha256").update(name).digest("hex").slice(0, length);
}

/** The data volume id the mocks report for database `id` (its volume's logical name is `<id>-volume`). */
export function mockVolumeId(id: string): string {
    return fakeId("vol-", `${id}-volume`);
}
