// The AWS CLI the backup and drill scripts run with: Debian's `awscli` package (a v2 older than
// the job image's; AWS CLI v2 is not published to PyPI), installed on first use like promtool.
import { commandVersion, ensureDebianTool } from "../support/debian";

/** Debian's own `aws`, by path: another one earlier on PATH (a v1 from pip, say) is not what is tested. */
export const AWS_CLI = "/usr/bin/aws";

/** `aws --version`'s line, after installing Debian's package when it is missing. */
export function ensureAwsCli(): Promise<string> {
    return ensureDebianTool({ pkg: "awscli", what: "Debian's AWS CLI", present: () => commandVersion(AWS_CLI, ["--version"]) });
}
