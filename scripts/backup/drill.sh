#!/usr/bin/env bash
# Restore drill of one database (components/restoreDrills.ts; docs/runbook.md, "Restore drills"):
#   find   the newest completed snapshot tagged with the database and stack
#   volume a scratch gp3 volume from it in the database's AZ, tagged questdb.cloud/drill=<run>
#   start  a PersistentVolume, a claim and a throwaway QuestDB pod on it, which recovers from the
#          snapshot's checkpoint (the `_restore` trigger, QuestDB docs: operations/backup)
#   query  `SELECT count() FROM tables()` against it
# then deletes what it created, by the names and ids it recorded, and nothing else: an EXIT trap
# runs the cleanup on success, failure and SIGTERM. Prints one JSON line with each phase's seconds,
# then pushes the outcome and the durations to the region's Pushgateway (a failed push is logged
# and changes nothing).
#
# Environment: DATABASE, STACK, AVAILABILITY_ZONE, QUESTDB_IMAGE, DRILL_NAMESPACE; AWS_REGION for the
# CLI. Optional: RUN_ID (default: the UTC time), KUBE_API (default https://kubernetes.default.svc),
# SA_DIR (the ServiceAccount mount), POLL_SECONDS (5), READY_TIMEOUT_SECONDS (1800), RESULT_FILE,
# PUSHGATEWAY_URL (unset: nothing is pushed).
# Exit codes: 0 the backup restored; 1 the drill failed; 5 the cleanup left something behind (named).
set -euo pipefail

: "${DATABASE:?}" "${STACK:?}" "${AVAILABILITY_ZONE:?}" "${QUESTDB_IMAGE:?}" "${DRILL_NAMESPACE:?}"
RUN_ID="${RUN_ID:-$(date -u +%Y%m%d%H%M%S)}"
KUBE_API="${KUBE_API:-https://kubernetes.default.svc}"
SA_DIR="${SA_DIR:-/var/run/secrets/kubernetes.io/serviceaccount}"
POLL_SECONDS="${POLL_SECONDS:-5}"
READY_TIMEOUT_SECONDS="${READY_TIMEOUT_SECONDS:-1800}"
RESULT_FILE="${RESULT_FILE:-/dev/termination-log}"
NAME="drill-${DATABASE}-${RUN_ID}"

log() { printf '%s drill[%s] %s\n' "$(date -u +%FT%TZ)" "$DATABASE" "$*" >&2; }
pause() { sleep "$1" & wait $!; }

# What this run created, in creation order; cleanup deletes exactly these, in reverse.
# Object names are unique to the run, so each is recorded before its create call: a create whose
# answer was lost is still cleaned up. The volume id comes back from EBS; if that answer is lost,
# the run's own tag finds it.
volume_requested=0
created_volume=""
created_pv=""
created_pvc=""
created_pod=""
snapshot_id=""
phases=""
phase_samples=""
run_started=$(date +%s)
phase_started=$run_started
phase() { # closes the running phase under $1
    local now; now=$(date +%s)
    phases="${phases:+$phases,}\"$1\":$(( now - phase_started ))"
    phase_samples+="questdb_cloud_drill_phase_seconds{phase=\"$1\"} $(( now - phase_started ))"$'\n'
    phase_started=$now
}

# gauge and push_metrics (scripts/backup/push.sh); ec2_fresh, curl_secret (scripts/backup/common.sh).
source "$(dirname "${BASH_SOURCE[0]}")/push.sh"
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

# The drill's metrics (components/monitoring/metrics.ts, PUSHED_METRICS.drill).
push_result() {
    local status=$1 now
    now=$(date +%s)
    gauge questdb_cloud_drill_last_run_timestamp_seconds "$now"
    gauge questdb_cloud_drill_last_run_success "$(( status == 0 ? 1 : 0 ))"
    gauge questdb_cloud_drill_last_exit_code "$status"
    # Up to the end of the last phase (cleanup): the phases add up to it exactly.
    gauge questdb_cloud_drill_duration_seconds "$(( phase_started - run_started ))"
    metrics+="# TYPE questdb_cloud_drill_phase_seconds gauge"$'\n'"$phase_samples"
    if [ "$status" = 0 ]; then gauge questdb_cloud_drill_last_success_timestamp_seconds "$now"; fi
    push_metrics questdb-drill
}

# The API server pretty-prints its JSON for a client whose User-Agent starts with curl (k8s.io/apiserver,
# negotiation.isPrettyPrint), so kube() names itself; the readers below take either spacing anyway.
KUBE_USER_AGENT="questdb-drill/${DATABASE}"
kube() { # kube METHOD PATH [JSON]
    local args=(-sS --fail-with-body --max-time 60 --user-agent "$KUBE_USER_AGENT" --cacert "$SA_DIR/ca.crt" -X "$1")
    if [ $# -ge 3 ]; then args+=(-H "Content-Type: application/json" --data "$3"); fi
    # The token goes to curl on stdin (curl_secret), never in its argv; read at each call, as the kubelet rotates it.
    curl_secret "$(curl_config_line header "Authorization: Bearer $(cat "$SA_DIR/token")")" "${args[@]}" "$KUBE_API$2"
}

# pod_ready POD_JSON: whether the pod's Ready condition is True. A condition's fields come in no
# fixed order: from Kubernetes 1.34 the kubelet writes observedGeneration between type and status.
pod_ready() {
    local condition='\{[^{}]*"type":[[:space:]]*"Ready"[^{}]*\}' is_true='"status":[[:space:]]*"True"'
    [[ $1 =~ $condition ]] && [[ ${BASH_REMATCH[0]} =~ $is_true ]]
}

# json_string FIELD JSON: the first string value of FIELD in JSON ("" when absent).
json_string() {
    local re="\"$1\":[[:space:]]*\"([^\"]*)\""
    if [[ $2 =~ $re ]]; then printf '%s' "${BASH_REMATCH[1]}"; fi
}

# Deletes a Kubernetes object and waits until it is gone (a 404).
kube_delete() {
    local path=$1 tries=0
    kube DELETE "$path" >/dev/null 2>&1 || true
    while kube GET "$path" >/dev/null 2>&1; do
        tries=$(( tries + 1 ))
        if [ "$tries" -gt 120 ]; then log "still present after deletion: $path"; return 1; fi
        pause "$POLL_SECONDS"
    done
}

cleanup() {
    local status=$? left=()
    trap - EXIT
    # Finish whatever comes: a TERM now would exit 143 from inside this trap, skipping the rest
    # (the release, the cleanup, the push) and replacing the run's status. SIGKILL still bounds it.
    trap '' TERM INT
    phase "run"
    if [ -n "$created_pod" ]; then kube_delete "/api/v1/namespaces/$DRILL_NAMESPACE/pods/$created_pod" || left+=("pod/$created_pod"); fi
    if [ -n "$created_pvc" ]; then kube_delete "/api/v1/namespaces/$DRILL_NAMESPACE/persistentvolumeclaims/$created_pvc" || left+=("pvc/$created_pvc"); fi
    if [ -n "$created_pv" ]; then kube_delete "/api/v1/persistentvolumes/$created_pv" || left+=("pv/$created_pv"); fi
    if [ "$volume_requested" = 1 ] && [ -z "$created_volume" ]; then
        created_volume=$(aws ec2 describe-volumes --filters "Name=tag:questdb.cloud/drill,Values=$RUN_ID" --query 'Volumes[0].VolumeId' --output text || true)
        [ "$created_volume" = "None" ] && created_volume=""
    fi
    if [ -n "$created_volume" ]; then
        # Detached once the pod and PV are gone; only then can EBS delete it.
        if ec2_fresh ec2 wait volume-available --volume-ids "$created_volume" && aws ec2 delete-volume --volume-id "$created_volume"; then
            log "deleted scratch volume $created_volume"
        else
            left+=("volume/$created_volume")
        fi
    fi
    phase "cleanup"
    if [ ${#left[@]} -gt 0 ]; then
        log "CLEANUP INCOMPLETE, delete by hand: ${left[*]}"
        status=5
    fi
    local result
    result=$(printf '{"database":"%s","run":"%s","snapshot":"%s","exit":%d,"seconds":{%s}}' "$DATABASE" "$RUN_ID" "$snapshot_id" "$status" "$phases")
    printf '%s\n' "$result"
    if [ -w "$RESULT_FILE" ]; then printf '%s' "$result" > "$RESULT_FILE" || true; fi
    # In a condition, so that nothing in it can stop the trap before the exit below (set -e).
    push_result "$status" || log "could not build the pushed result; the exit code stands"
    exit "$status"
}
trap cleanup EXIT
trap 'log "terminated"; exit 143' TERM INT

# --- find
snapshot_id=$(aws ec2 describe-snapshots --owner-ids self \
    --filters "Name=tag:questdb.cloud/database,Values=$DATABASE" "Name=tag:questdb.cloud/stack,Values=$STACK" "Name=status,Values=completed" \
    --query 'sort_by(Snapshots, &StartTime)[-1].SnapshotId' --output text)
if [ -z "$snapshot_id" ] || [ "$snapshot_id" = "None" ]; then
    log "no completed snapshot of $DATABASE in stack $STACK"
    snapshot_id=""
    exit 1
fi
log "newest snapshot: $snapshot_id"
phase "find"

# --- volume
volume_requested=1
created_volume=$(aws ec2 create-volume --snapshot-id "$snapshot_id" --availability-zone "$AVAILABILITY_ZONE" --volume-type gp3 \
    --tag-specifications "ResourceType=volume,Tags=[{Key=questdb.cloud/drill,Value=$RUN_ID},{Key=questdb.cloud/database,Value=$DATABASE},{Key=questdb.cloud/stack,Value=$STACK},{Key=Name,Value=$NAME}]" \
    --query VolumeId --output text)
log "scratch volume $created_volume"
# The waiter has no acceptor for InvalidVolume.NotFound: ec2_fresh retries it.
ec2_fresh ec2 wait volume-available --volume-ids "$created_volume"
size=$(ec2_fresh ec2 describe-volumes --volume-ids "$created_volume" --query 'Volumes[0].Size' --output text)
phase "volume"

# --- start
created_pv=$NAME
kube POST /api/v1/persistentvolumes "$(cat <<JSON
{"apiVersion":"v1","kind":"PersistentVolume","metadata":{"name":"$NAME","labels":{"questdb.cloud/drill-run":"$RUN_ID"}},
 "spec":{"capacity":{"storage":"${size}Gi"},"accessModes":["ReadWriteOnce"],"persistentVolumeReclaimPolicy":"Retain","storageClassName":"",
  "csi":{"driver":"ebs.csi.aws.com","volumeHandle":"$created_volume","fsType":"ext4"},
  "claimRef":{"namespace":"$DRILL_NAMESPACE","name":"$NAME"},
  "nodeAffinity":{"required":{"nodeSelectorTerms":[{"matchExpressions":[{"key":"topology.kubernetes.io/zone","operator":"In","values":["$AVAILABILITY_ZONE"]}]}]}}}}
JSON
)" >/dev/null
created_pvc=$NAME
kube POST "/api/v1/namespaces/$DRILL_NAMESPACE/persistentvolumeclaims" "$(cat <<JSON
{"apiVersion":"v1","kind":"PersistentVolumeClaim","metadata":{"name":"$NAME","labels":{"questdb.cloud/drill-run":"$RUN_ID"}},
 "spec":{"accessModes":["ReadWriteOnce"],"storageClassName":"","volumeName":"$NAME","resources":{"requests":{"storage":"${size}Gi"}}}}
JSON
)" >/dev/null
created_pod=$NAME
kube POST "/api/v1/namespaces/$DRILL_NAMESPACE/pods" "$(cat <<JSON
{"apiVersion":"v1","kind":"Pod","metadata":{"name":"$NAME","labels":{"questdb.cloud/drill-run":"$RUN_ID","app.kubernetes.io/component":"drill-questdb"}},
 "spec":{"restartPolicy":"Never","automountServiceAccountToken":false,"enableServiceLinks":false,
  "securityContext":{"runAsNonRoot":true,"runAsUser":10001,"runAsGroup":10001,"fsGroup":10001,"fsGroupChangePolicy":"OnRootMismatch","seccompProfile":{"type":"RuntimeDefault"}},
  "initContainers":[{"name":"restore-trigger","image":"$QUESTDB_IMAGE","command":["sh","-c","touch /var/lib/questdb/_restore"],
   "volumeMounts":[{"name":"data","mountPath":"/var/lib/questdb"}],
   "securityContext":{"allowPrivilegeEscalation":false,"readOnlyRootFilesystem":true,"capabilities":{"drop":["ALL"]}}}],
  "containers":[{"name":"questdb","image":"$QUESTDB_IMAGE","ports":[{"containerPort":9000},{"containerPort":9003}],
   "readinessProbe":{"httpGet":{"path":"/status","port":9003},"periodSeconds":10},
   "resources":{"requests":{"cpu":"500m","memory":"1Gi"}},
   "volumeMounts":[{"name":"data","mountPath":"/var/lib/questdb"},{"name":"tmp","mountPath":"/tmp"}],
   "securityContext":{"allowPrivilegeEscalation":false,"readOnlyRootFilesystem":true,"capabilities":{"drop":["ALL"]}}}],
  "volumes":[{"name":"data","persistentVolumeClaim":{"claimName":"$NAME"}},{"name":"tmp","emptyDir":{"sizeLimit":"1Gi"}}]}}
JSON
)" >/dev/null
deadline=$(( $(date +%s) + READY_TIMEOUT_SECONDS ))
until status=$(kube GET "/api/v1/namespaces/$DRILL_NAMESPACE/pods/$NAME") && pod_ready "$status"; do
    case "$(json_string phase "$status")" in Failed|Succeeded) log "the restored QuestDB exited: recovery failed"; exit 1 ;; esac
    if [ "$(date +%s)" -ge "$deadline" ]; then log "the restored QuestDB was not Ready after ${READY_TIMEOUT_SECONDS}s"; exit 1; fi
    pause "$POLL_SECONDS"
done
pod_ip=$(json_string podIP "$status")
phase "start"

# --- query
answer=$(curl -sS --max-time 60 -G "http://$pod_ip:9000/exec" --data-urlencode "query=SELECT count() FROM tables()")
case "$answer" in
    *'"dataset"'*) log "restored QuestDB answered: $answer" ;;
    *) log "restored QuestDB did not answer the query: $answer"; exit 1 ;;
esac
phase "query"
