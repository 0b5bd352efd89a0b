/**
 * `qdb`: edit a region's inventory (Pulumi.<stack>.yaml) safely. Run `qdb --help`.
 * Expected failures print one clear message to stderr and exit non-zero; only bugs show a trace.
 */
import { Io } from "./apply";
import { parseCli } from "./args";
import * as commands from "./commands";
import * as views from "./views";
import { QdbError, USAGE_EXIT } from "./errors";
import { findProjectDir } from "./files";
import { promote } from "./promote";
import { move } from "./move";
import { rollout } from "./rollout/command";

export const USAGE = `qdb: edit a region's database inventory (Pulumi.<stack>.yaml) safely

Usage: qdb <command> [--stack <stack> | --config-file <file>] [options]

Commands:
  list (--stack <s> | --all) [--json]      databases, per-AZ totals, count against maxDatabases
  status --stack <s> [--outputs <file>] [--json]
                                           deployed state, version, size, endpoint beside the file
                                           (outputs: \`pulumi stack output --json\`, or the file)
  backups --stack <s> [--live] [--json]    backup schedule, retention and drill per database;
                                           --live: each newest snapshot's age (AWS credentials)
  add --stack <s> <id> [--instance-type <t>] [--size <GiB>] [--az <zone>]
                                           add a database (AZ: the least used, when not given)
  set --stack <s> <id> key=value...        e.g. volume.sizeGiB=500 serverConf.query.timeout.sec=120
  set --stack <s> key=value...             region: channels.<name>=<version>, defaults.<field>=<value>
  unset --stack <s> (<id> <field>... | channels.<name> | defaults.<field>)
                                           remove a field (the default then applies)
  pause | resume | decommission --stack <s> <id>
                                           set state to paused, active or decommissioned
  remove --stack <s> <id>                  delete a decommissioned database's entry
  move <id> --from <s> --to <s>            hand a database to another cell of its cluster: edits
                                           both files, prints the \`pulumi state move\` to run
  promote --stack <s> [--now <ISO 8601>]   move each pending: block whose maintenance window is
                                           open (at --now, else the clock) into the live fields
  rollout --stack <s> (questdbVersion=<v> | nodeImage=<v>) [--history <file>] [--now <ISO 8601>]
                                           write the next wave (canary first, then doubling)
                                           once its gates pass: no alert of ours on the waves
                                           written (rollout.prometheusUrl), deployed, baked;
                                           an alert writes the last wave's revert instead
  rollout status --stack <s> <field>=<v>   each database's wave, window, pending, deployed
                                           value and alerts, and each gate's state
  validate (--stack <s> | --all) [--outputs <file> | --base <ref>]
                                           the program's own validation, every problem listed;
                                           transitions judged against the outputs, the file at
                                           <ref>, or else the committed file (HEAD)

Options:
  --dry-run, -n        show the diff of the file and the impact, write nothing
  --no-impact          skip the impact report after a write (it renders the stack twice)
  --config-file, -f    edit this file instead of Pulumi.<stack>.yaml
  --project-dir        where Pulumi.<stack>.yaml files live (default: nearest dir with Pulumi.yaml)
  --history            rollout: \`pulumi stack history --json\` saved to a file (default: run it)

Edits keep comments and formatting, are atomic, and are refused when unsafe (volume shrink, AZ
change, removing a database that is not decommissioned) or invalid (validateInventory).`;

const COMMANDS: Readonly<Record<string, (ctx: commands.Context) => Promise<number>>> = {
    list: views.list,
    status: views.status,
    backups: commands.backups,
    validate: commands.validate,
    add: commands.add,
    set: commands.set,
    unset: commands.unset,
    pause: commands.stateCommand("paused", "pause"),
    resume: commands.stateCommand("active", "resume"),
    decommission: commands.stateCommand("decommissioned", "decommission"),
    remove: commands.remove,
    promote,
    move,
    rollout,
};

/** Runs one command line and returns the exit code; all output goes through `io`. */
export async function run(argv: readonly string[], io: Io, cwd = process.cwd()): Promise<number> {
    try {
        const args = parseCli(argv);
        if (args.help || args.command === undefined || args.command === "help") {
            io.out(USAGE);
            return args.command === undefined && !args.help ? USAGE_EXIT : 0;
        }
        const command = COMMANDS[args.command];
        if (!command) {
            throw new QdbError(`unknown command "${args.command}". Commands: ${Object.keys(COMMANDS).join(", ")}`, USAGE_EXIT);
        }
        return await command({ args, projectDir: args.projectDir ?? findProjectDir(cwd), io });
    } catch (error) {
        if (error instanceof QdbError) {
            io.err(`qdb: ${error.message}`);
            return error.exitCode;
        }
        throw error;
    }
}

if (require.main === module) {
    const io: Io = { out: (text) => console.log(text), err: (text) => console.error(text) };
    run(process.argv.slice(2), io).then((code) => {
        process.exitCode = code;
    });
}
