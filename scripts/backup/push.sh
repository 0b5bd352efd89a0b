# Shared by snapshot.sh and drill.sh (sourced; both ConfigMaps carry it next to the script): the
# run's result as Prometheus gauges, POSTed to the region's Pushgateway when the run ends.
# Needs DATABASE and a `log` function; PUSHGATEWAY_URL unset means nothing is pushed.

# The push body (Prometheus text format), one gauge sample per call: gauge NAME VALUE.
metrics=""
gauge() { metrics+="# TYPE $1 gauge"$'\n'"$1 $2"$'\n'; }

# POSTs the body to this database's group of the Pushgateway (push_metrics JOB): POST replaces only
# the names pushed, so a failed run leaves the last success's timestamps. Never fails the run:
# the run's exit code stands whatever the push does.
push_metrics() {
    local out
    if [ -z "${PUSHGATEWAY_URL:-}" ]; then log "PUSHGATEWAY_URL is not set: the result is not pushed"; return 0; fi
    if ! out=$(curl -sS --fail-with-body --max-time 10 -X POST --data-binary "$metrics" "$PUSHGATEWAY_URL/metrics/job/$1/database/$DATABASE" 2>&1); then
        log "pushing the result to $PUSHGATEWAY_URL failed (the exit code stands): $out"
    fi
    return 0
}
