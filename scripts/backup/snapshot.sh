#!/usr/bin/env bash
# A consistent EBS snapshot of one QuestDB database (QuestDB docs: operations/backup, sql/checkpoint):
#   CHECKPOINT CREATE -> EBS CreateSnapshot, waited on until AWS has fixed its point in time
#   (state pending or completed) -> CHECKPOINT RELEASE -> retention of this database's old scheduled
#   snapshots. The release runs from an EXIT trap, so a failed snapshot step, a SIGTERM from the
#   Job's deadline or any error still releases the checkpoint; only SIGKILL can skip it, and then the
#   next run finds it open and releases it once no run can hold it any more (settle_open_checkpoint).
#
# Runs in the backup CronJob (components/deployment/backup.ts) and in e2e/backup against a real QuestDB.
# At the very end, after the release, the trap pushes the run's metrics to the region's Pushgateway
# (docs/observability.md, "Backup and drill metrics"); a failed push is logged and changes nothing.
#
# Environment: QDB_URL, QDB_USER, QDB_PASSWORD (optional), VOLUME_ID, DATABASE, STACK, SCHEDULE,
# RETAIN_DAYS; AWS_REGION for the CLI. Optional: RESULT_FILE (default /dev/termination-log),
# POLL_SECONDS (default 5), POINT_IN_TIME_TIMEOUT_SECONDS (default 600), PUSHGATEWAY_URL (unset:
# nothing is pushed).
# Exit codes: 0 done; 1 failed before or while snapshotting (nothing new is kept); 3 the checkpoint
# could not be released; 4 snapshot taken, retention failed; 5 a checkpoint younger than the Job's
# deadline plus grace was already open (settle_open_checkpoint): nothing done.
set -euo pipefail

: "${QDB_URL:?}" "${VOLUME_ID:?}" "${DATABASE:?}" "${STACK:?}" "${SCHEDULE:?}" "${RETAIN_DAYS:?}"
POLL_SECONDS="${POLL_SECONDS:-5}"
POINT_IN_TIME_TIMEOUT_SECONDS="${POINT_IN_TIME_TIMEOUT_SECONDS:-600}"
RESULT_FILE="${RESULT_FILE:-/dev/termination-log}"

log() { printf '%s snapshot[%s] %s\n' "$(date -u +%FT%TZ)" "$DATABASE" "$*" >&2; }

# One SQL statement over QuestDB's HTTP /exec. QuestDB answers an error as JSON with "error".
sql() {
    local auth="" out
    # The credentials go to curl on stdin (curl_secret), never in its argv.
    if [ -n "${QDB_USER:-}" ]; then auth=$(curl_config_line user "$QDB_USER:${QDB_PASSWORD:-}"); fi
    if ! out=$(curl_secret "$auth" -sS --max-time 60 -G "$QDB_URL/exec" --data-urlencode "query=$1" 2>&1); then
        log "QuestDB unreachable for '$1': $out"
        return 1
    fi
    case "$out" in
        *'"error"'*) log "QuestDB refused '$1': $out"; return 1 ;;
    esac
    sql_out=$out
}

# Sleeps in the background so that a SIGTERM runs the trap at once.
pause() { sleep "$1" & wait $!; }

checkpoint_open=0
checkpoint_started=0
held_seconds=""
point_in_time_fixed=0
snapshot_id=""
deleted=()
open_found_seconds=0

# gauge and push_metrics (scripts/backup/push.sh); ec2_fresh, curl_secret (scripts/backup/common.sh).
source "$(dirname "${BASH_SOURCE[0]}")/push.sh"
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

# The run's metrics (components/monitoring/metrics.ts, PUSHED_METRICS.backup).
push_result() {
    local status=$1 now held=${held_seconds:-0}
    now=$(date +%s)
    # Still open (the release failed): held until now at least.
    if [ "$checkpoint_open" = 1 ]; then held=$(( now - checkpoint_started )); fi
    # A checkpoint a killed run left open was held longer still: that is the hold the alert must see.
    if [ "$open_found_seconds" -gt "$held" ]; then held=$open_found_seconds; fi
    gauge questdb_cloud_backup_last_run_timestamp_seconds "$now"
    gauge questdb_cloud_backup_last_run_success "$(( status == 0 ? 1 : 0 ))"
    gauge questdb_cloud_backup_last_exit_code "$status"
    gauge questdb_cloud_backup_checkpoint_held_seconds "$held"
    if [ "$status" = 0 ]; then gauge questdb_cloud_backup_last_success_timestamp_seconds "$now"; fi
    # The snapshot is consistent once its point in time is fixed inside the checkpoint, whatever came after.
    if [ "$point_in_time_fixed" = 1 ]; then gauge questdb_cloud_backup_newest_snapshot_timestamp_seconds "$checkpoint_started"; fi
    push_metrics questdb-backup
}

release() {
    local try
    for try in 1 2 3; do
        if sql "CHECKPOINT RELEASE"; then
            checkpoint_open=0
            held_seconds=$(( $(date +%s) - checkpoint_started ))
            log "checkpoint released after ${held_seconds}s"
            return 0
        fi
        pause 2
    done
    return 1
}

finish() {
    local status=$?
    trap - EXIT
    # Finish whatever comes: a TERM now would exit 143 from inside this trap, skipping the rest
    # (the release, the cleanup, the push) and replacing the run's status. SIGKILL still bounds it.
    trap '' TERM INT
    if [ "$checkpoint_open" = 1 ]; then
        release || { log "CHECKPOINT RELEASE failed: the checkpoint is STILL OPEN; run CHECKPOINT RELEASE by hand (docs/runbook.md)"; status=3; }
    fi
    local result
    result=$(printf '{"database":"%s","snapshot":"%s","checkpointHeldSeconds":"%s","deleted":"%s","exit":%d}' \
        "$DATABASE" "$snapshot_id" "$held_seconds" "${deleted[*]:-}" "$status")
    printf '%s\n' "$result"
    if [ -w "$RESULT_FILE" ]; then printf '%s' "$result" > "$RESULT_FILE" || true; fi
    # In a condition, so that nothing in it can stop the trap before the exit below (set -e).
    push_result "$status" || log "could not build the pushed result; the exit code stands"
    exit "$status"
}
trap finish EXIT
trap 'log "terminated"; exit 143' TERM INT

tags() {
    printf '[{"ResourceType":"snapshot","Tags":[{"Key":"questdb.cloud/database","Value":"%s"},{"Key":"questdb.cloud/stack","Value":"%s"},{"Key":"questdb.cloud/schedule","Value":"%s"},{"Key":"questdb.cloud/snapshot","Value":"scheduled"},{"Key":"managed-by","Value":"questdb-cloud-backup"},{"Key":"Name","Value":"qdb-%s-data-scheduled"}]}]' \
        "$DATABASE" "$STACK" "$SCHEDULE" "$DATABASE"
}

# Returns once AWS has fixed the snapshot's point in time: the snapshot exists as pending or completed.
wait_point_in_time() {
    local state deadline=$(( $(date +%s) + POINT_IN_TIME_TIMEOUT_SECONDS ))
    while :; do
        state=$(ec2_fresh ec2 describe-snapshots --snapshot-ids "$snapshot_id" --query 'Snapshots[0].State' --output text)
        case "$state" in
            pending|completed) log "snapshot $snapshot_id is $state: its point in time is fixed"; return 0 ;;
            error) log "snapshot $snapshot_id failed (state error)"; return 1 ;;
        esac
        if [ "$(date +%s)" -ge "$deadline" ]; then log "snapshot $snapshot_id still '$state' after ${POINT_IN_TIME_TIMEOUT_SECONDS}s"; return 1; fi
        pause "$POLL_SECONDS"
    done
}

retire_old() {
    local cutoff ids id failed=0
    cutoff=$(date -u -d "-${RETAIN_DAYS} days" +%Y-%m-%dT%H:%M:%S)
    ids=$(aws ec2 describe-snapshots --owner-ids self \
        --filters "Name=tag:questdb.cloud/database,Values=$DATABASE" "Name=tag:questdb.cloud/stack,Values=$STACK" \
                  "Name=tag:questdb.cloud/snapshot,Values=scheduled" "Name=status,Values=completed" \
        --query "Snapshots[?StartTime<'$cutoff'].SnapshotId" --output text) || return 1
    for id in $ids; do
        [ "$id" = "None" ] || [ "$id" = "$snapshot_id" ] && continue
        if aws ec2 delete-snapshot --snapshot-id "$id"; then deleted+=("$id"); log "deleted $id (older than $RETAIN_DAYS days)"; else failed=1; fi
    done
    return "$failed"
}

# A checkpoint still open when the run starts was left by a run that was SIGKILLed (no trap ran: an
# OOM kill at the memory limit, a lost node) or is held by a person or a run still going. QuestDB
# keeps it open forever (checkpoint_status(): in_progress, started_at), pausing housekeeping, and
# refuses a new one. No run of this CronJob lives longer than JOB_DEADLINE_SECONDS (the Job's
# activeDeadlineSeconds, rendered by the program) plus CHECKPOINT_GRACE_SECONDS (default 300: the
# trap's 60 s after SIGTERM, and slack for the Job controller): an older checkpoint has no holder
# and is released, and this run goes on. A younger one is reported and left alone (exit 5). Either
# way its age is pushed as the hold (QuestDbCheckpointHeldLong). Ages are QuestDB's own clock.
settle_open_checkpoint() {
    : "${JOB_DEADLINE_SECONDS:?set it to the backup Job activeDeadlineSeconds}"
    local limit=$(( JOB_DEADLINE_SECONDS + ${CHECKPOINT_GRACE_SECONDS:-300} )) row open started now
    sql "SELECT in_progress, cast(started_at AS LONG), cast(systimestamp() AS LONG) FROM checkpoint_status()" || return 1
    row=$(printf '%s' "$sql_out" | sed -n 's/.*"dataset":\[\[\([a-z]*\),\([0-9a-z]*\),\([0-9]*\)\]\].*/\1 \2 \3/p')
    read -r open started now <<< "$row"
    if [ "$open" != true ]; then return 0; fi
    open_found_seconds=$(( (now - started) / 1000000 ))
    if [ "$open_found_seconds" -le "$limit" ]; then
        log "a checkpoint opened ${open_found_seconds}s ago is still open, within ${limit}s (the Job's deadline plus grace), so a run or a person may still hold it: left alone, no snapshot taken (docs/runbook.md, \"When a backup was killed\")"
        exit 5
    fi
    log "a checkpoint opened ${open_found_seconds}s ago is still open, longer than any run lives (${limit}s): a killed run left it; releasing it"
    sql "CHECKPOINT RELEASE" || { log "the stale checkpoint could not be released: it is STILL OPEN"; exit 3; }
    log "the stale checkpoint is released"
}

settle_open_checkpoint
sql "CHECKPOINT CREATE"
checkpoint_open=1
checkpoint_started=$(date +%s)
log "checkpoint created"

snapshot_id=$(aws ec2 create-snapshot --volume-id "$VOLUME_ID" \
    --description "Scheduled consistent snapshot of $DATABASE (stack $STACK)" \
    --tag-specifications "$(tags)" --query SnapshotId --output text)
log "snapshot $snapshot_id started"
wait_point_in_time
point_in_time_fixed=1

release || { log "CHECKPOINT RELEASE failed: the checkpoint is STILL OPEN"; exit 3; }

retire_old || { log "snapshot $snapshot_id taken; retention of older snapshots failed"; exit 4; }
log "done"
