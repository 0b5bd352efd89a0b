/**
 * Stand-ins for the `aws` and `curl` commands the backup scripts call, put first on PATH. Each
 * logs its call as one line to STUB_LOG and answers from environment variables, so a test can
 * script AWS, the Kubernetes API, QuestDB and the Pushgateway failing at any step, then read back
 * what the script did, in order, and what it pushed.
 */
import { spawn } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";

export const SCRIPTS = path.join(__dirname, "..", "..", "scripts", "backup");

const AWS_STUB = String.raw`#!/usr/bin/env bash
echo "aws $*" >> "$STUB_LOG"
printf 'aws %s
' "$*" >> "$STUB_ARGV"
args="$*"
fail() { echo "An error occurred (Stubbed) when calling $1" >&2; exit 254; }
# EC2's eventual consistency: the first AWS_NOT_FOUND_TIMES reads of a just-created object (of each kind) answer NotFound.
not_found() { # KIND OPERATION MESSAGE
  local count="$STUB_STATE/not-found-$1" n
  n=$(( $(cat "$count" 2>/dev/null || echo 0) + 1 )); echo "$n" > "$count"
  if [ "$n" -le "${"$"}{AWS_NOT_FOUND_TIMES:-0}" ]; then echo "$3" >&2; exit "$2"; fi
}
case "$args" in
  "ec2 describe-snapshots --snapshot-ids"*) not_found snapshot 254 "An error occurred (InvalidSnapshot.NotFound) when calling the DescribeSnapshots operation: The snapshot 'snap-0new' does not exist." ;;
  "ec2 wait volume-available"*) not_found volume 255 "Waiter VolumeAvailable failed: An error occurred (InvalidVolume.NotFound): The volume 'vol-0d000000000000d01' does not exist." ;;
  "ec2 describe-volumes --volume-ids"*) not_found volume-size 254 "An error occurred (InvalidVolume.NotFound) when calling the DescribeVolumes operation: The volume 'vol-0d000000000000d01' does not exist." ;;
esac
case "$args" in
  "ec2 create-snapshot"*) [ "$AWS_FAIL" = create-snapshot ] && fail CreateSnapshot
    # The e2e tier's stand-in for EBS: a copy of QuestDB's root at this moment.
    if [ -n "$STUB_COPY_FROM" ]; then cp -a "$STUB_COPY_FROM" "$STUB_COPY_TO" || fail CreateSnapshot; fi
    echo snap-0new ;;
  "ec2 describe-snapshots --snapshot-ids"*) [ "$AWS_FAIL" = describe-snapshots ] && fail DescribeSnapshots; echo "${"$"}{AWS_SNAPSHOT_STATE:-pending}" ;;
  "ec2 describe-snapshots --owner-ids self"*"sort_by"*) echo "${"$"}{AWS_NEWEST_SNAPSHOT:-snap-0newest}" ;;
  "ec2 describe-snapshots --owner-ids self"*) echo "${"$"}{AWS_OLD_SNAPSHOTS:-None}" ;;
  "ec2 delete-snapshot"*) [ "$AWS_FAIL" = delete-snapshot ] && fail DeleteSnapshot; true ;;
  "ec2 create-volume"*) [ "$AWS_FAIL" = create-volume ] && fail CreateVolume; echo vol-0d000000000000d01 ;;
  "ec2 wait volume-available"*) true ;;
  "ec2 describe-volumes --volume-ids"*) echo 100 ;;
  "ec2 describe-volumes --filters"*) echo "${"$"}{AWS_TAGGED_VOLUME:-None}" ;;
  "ec2 delete-volume"*) true ;;
  *) echo "stub aws: unexpected call: $args" >&2; exit 2 ;;
esac
`;

// Answers the Kubernetes API (state kept as files in STUB_STATE) and QuestDB's /exec; with
// CURL_PASSTHROUGH set it hands QuestDB calls to the real curl, with KUBE_PASSTHROUGH set the
// Kubernetes API calls (the e2e tiers).
const CURL_STUB = String.raw`#!/usr/bin/env bash
printf 'curl %s
' "$*" >> "$STUB_ARGV"
# A config on stdin (curl -K -): kept as config-<n> in STUB_STATE, and given to the real curl on passthrough.
config=""
for a in "$@"; do [ "$prev_k" = -K ] && [ "$a" = - ] && config=$(cat); prev_k=$a; done
if [ -n "$config" ]; then printf '%s' "$config" > "$STUB_STATE/config-$(wc -l < "$STUB_ARGV")"; fi
passthrough() { exec "$CURL_PASSTHROUGH" "$@" <<< "$config"; }
method=GET url="" query=""
# curl's own User-Agent unless the caller names itself.
ua=curl/8
prev=""
for a in "$@"; do
  case "$prev" in -X) method=$a ;; --data-urlencode) query=${"$"}{a#query=} ;; -A|--user-agent) ua=$a ;; esac
  case "$a" in http://*|https://*) url=$a ;; esac
  prev=$a
done
# JSON as a Kubernetes 1.36 API server writes it: pretty-printed for a User-Agent starting with curl
# (k8s.io/apiserver negotiation.isPrettyPrint; K8S_PRETTY=always or never overrides), compact otherwise.
api_json() {
  case "${"$"}{K8S_PRETTY:-auto}:$ua" in
    always:*|auto:curl*) printf '%s\n' "$1" | sed -e 's/":/": /g' -e 's/,/,\n  /g' -e 's/{/{\n  /g' ;;
    *) printf '%s\n' "$1" ;;
  esac
}
if [[ "$url" == */metrics/job/* ]]; then
  # A push to the Pushgateway: logged, its body kept as push-<n> in STUB_STATE, failed on PUSH_FAIL.
  body="" prev=""
  for a in "$@"; do [ "$prev" = --data-binary ] && body=$a; prev=$a; done
  echo "curl PUSH $method /${"$"}{url#*://*/}" >> "$STUB_LOG"
  printf '%s' "$body" > "$STUB_STATE/push-$(grep -c '^curl PUSH ' "$STUB_LOG")"
  [ -n "$PUSH_FAIL" ] && { echo "curl: (7) Failed to connect to the Pushgateway: Connection refused" >&2; exit 7; }
  [ -n "$PUSH_SLEEP" ] && sleep "$PUSH_SLEEP"
  if [ -n "$CURL_PASSTHROUGH" ]; then passthrough "$@"; fi
  exit 0
fi
if [[ "$url" == */exec ]]; then
  echo "curl QUERY $query" >> "$STUB_LOG"
  if [ -n "$CURL_PASSTHROUGH" ]; then passthrough "$@"; fi
  case "$query" in
    "CHECKPOINT CREATE") [ "$QDB_FAIL" = create ] && { echo '{"query":"CHECKPOINT CREATE","error":"stubbed refusal","position":0}'; exit 0; } ;;
    "CHECKPOINT RELEASE") [ "$QDB_FAIL" = release ] && { echo '{"query":"CHECKPOINT RELEASE","error":"stubbed refusal","position":0}'; exit 0; } ;;
    *"FROM checkpoint_status()") echo "{\"dataset\":[[${"$"}{QDB_OPEN_CHECKPOINT:-false},${"$"}{QDB_OPEN_STARTED_US:-null},${"$"}{QDB_NOW_US:-1796166000000000}]]}"; exit 0 ;;
    "SELECT count() FROM tables()") [ "$QDB_FAIL" = query ] && { echo '{"error":"stubbed refusal"}'; exit 0; }; echo '{"dataset":[[2]]}'; exit 0 ;;
  esac
  echo '{"ddl":"OK"}'; exit 0
fi
path=${"$"}{url#*://*/}
echo "curl $method /$path" >> "$STUB_LOG"
if [ -n "$KUBE_PASSTHROUGH" ]; then
  # A real API server (the e2e tier): the request body kept as body-<n>, n its line in STUB_LOG.
  body="" prev=""
  for a in "$@"; do [ "$prev" = --data ] && body=$a; prev=$a; done
  if [ -n "$body" ]; then printf '%s' "$body" > "$STUB_STATE/body-$(wc -l < "$STUB_LOG")"; fi
  exec "$KUBE_PASSTHROUGH" "$@" <<< "$config"
fi
marker="$STUB_STATE/$(echo "$path" | tr / _)"
case "$method" in
  POST)
    [ "$K8S_FAIL" = "$(basename "$path")" ] && { echo '{"kind":"Status","code":403}'; exit 22; }
    name=$(printf '%s' "$*" | sed -n 's/.*"metadata":{"name":"\([^"]*\)".*/\1/p')
    touch "$STUB_STATE/$(echo "$path/$name" | tr / _)"; echo '{}' ;;
  DELETE) rm -f "$marker"; echo '{}' ;;
  GET)
    [ -e "$marker" ] || { echo '{"kind":"Status","code":404}'; exit 22; }
    if [[ "$path" == */pods/* ]]; then
      # From Kubernetes 1.34 the kubelet writes each condition's observedGeneration between its type and status.
      if [ "$K8S_FAIL" = start ]; then api_json '{"kind":"Pod","status":{"phase":"Failed","conditions":[{"type":"Ready","observedGeneration":1,"status":"False"}]}}';
      else api_json '{"kind":"Pod","metadata":{"generation":1},"status":{"phase":"Running","conditions":[{"type":"ContainersReady","observedGeneration":1,"status":"True","lastProbeTime":null},{"type":"Ready","observedGeneration":1,"status":"True","lastProbeTime":null}],"podIP":"10.1.2.3","podIPs":[{"ip":"10.1.2.3"}]}}'; fi
    else echo '{}'; fi ;;
esac
`;

export interface Harness {
    readonly dir: string;
    /** PATH with the stubs first. */
    readonly path: string;
    readonly env: Record<string, string>;
    /** The calls logged so far, one per line. */
    calls(): string[];
    /** The bodies pushed to the Pushgateway so far, in order. */
    pushes(): string[];
    /** The full argv of every stubbed command run so far, one line each: what a process listing showed. */
    argv(): string[];
    /** The curl configs read from stdin (curl -K -) so far: where the secrets must be instead. */
    configs(): string[];
    /** The bodies sent to a real API server (`passthroughKube`), each with its logged call, in order. */
    kubeBodies(): { call: string; body: string }[];
}

export interface HarnessOptions {
    /** QuestDB and Pushgateway calls go to the real curl. */
    readonly passthroughCurl?: boolean;
    /** Kubernetes API calls go to the real curl (set KUBE_API and SA_DIR to a real API server); /exec is still answered here. */
    readonly passthroughKube?: boolean;
}

export function harness(options: HarnessOptions = {}): Harness {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "qdb-backup-stubs-"));
    const bin = path.join(dir, "bin");
    const state = path.join(dir, "state");
    const sa = path.join(dir, "sa");
    for (const d of [bin, state, sa]) {
        fs.mkdirSync(d);
    }
    fs.writeFileSync(path.join(bin, "aws"), AWS_STUB, { mode: 0o755 });
    const realCurl = ["/usr/bin/curl", "/bin/curl"].find((c) => fs.existsSync(c)) ?? "curl";
    fs.writeFileSync(path.join(bin, "curl"), CURL_STUB, { mode: 0o755 });
    fs.writeFileSync(path.join(sa, "token"), "stub-token-7c41e9");
    fs.writeFileSync(path.join(sa, "ca.crt"), "stub-ca");
    const log = path.join(dir, "calls.log");
    fs.writeFileSync(log, "");
    const argv = path.join(dir, "argv.log");
    fs.writeFileSync(argv, "");
    return {
        dir,
        path: `${bin}:${process.env.PATH}`,
        env: {
            STUB_LOG: log, STUB_ARGV: argv, STUB_STATE: state, EC2_RETRY_SECONDS: "0", SA_DIR: sa, RESULT_FILE: path.join(dir, "result"), POLL_SECONDS: "0",
            ...(options.passthroughCurl ? { CURL_PASSTHROUGH: realCurl } : {}),
            ...(options.passthroughKube ? { KUBE_PASSTHROUGH: realCurl } : {}),
        },
        calls: () => fs.readFileSync(log, "utf8").split("\n").filter((l) => l !== ""),
        argv: () => fs.readFileSync(argv, "utf8").split("\n").filter((l) => l !== ""),
        configs: () => fs.readdirSync(state).filter((f) => f.startsWith("config-")).map((f) => fs.readFileSync(path.join(state, f), "utf8")),
        kubeBodies: () => {
            const calls = fs.readFileSync(log, "utf8").split("\n");
            return fs.readdirSync(state).filter((f) => /^body-\d+$/.test(f)).map((f) => Number(f.slice(5))).sort((a, b) => a - b)
                .map((n) => ({ call: calls[n - 1], body: fs.readFileSync(path.join(state, `body-${n}`), "utf8") }));
        },
        pushes: () => fs.readdirSync(state).filter((f) => /^push-\d+$/.test(f))
            .sort((a, b) => Number(a.slice(5)) - Number(b.slice(5))).map((f) => fs.readFileSync(path.join(state, f), "utf8")),
    };
}

export interface ScriptRun {
    readonly code: number | null;
    readonly signal: NodeJS.Signals | null;
    readonly stdout: string;
    readonly stderr: string;
}

/** Runs a script under bash with the harness' PATH and env; `onStarted` may signal the child. */
export function runScript(h: Harness, script: string, env: Record<string, string>, onStarted?: (pid: number) => void): Promise<ScriptRun> {
    return new Promise((resolve, reject) => {
        const child = spawn("bash", [path.join(SCRIPTS, script)], {
            env: { PATH: h.path, HOME: h.dir, ...h.env, ...env },
            stdio: ["ignore", "pipe", "pipe"],
        });
        let stdout = "";
        let stderr = "";
        child.stdout.on("data", (c: Buffer) => (stdout += c.toString()));
        child.stderr.on("data", (c: Buffer) => (stderr += c.toString()));
        child.on("error", reject);
        child.on("close", (code, signal) => resolve({ code, signal, stdout, stderr }));
        if (onStarted && child.pid !== undefined) {
            onStarted(child.pid);
        }
    });
}
