# Shared by snapshot.sh and drill.sh (sourced; both ConfigMaps carry it next to the script).
# Needs a `log` function.

# ec2_fresh ARGS...: `aws ARGS...` for a call that reads an EC2 object this run has just created.
# EC2 is eventually consistent: right after CreateSnapshot or CreateVolume, a describe (or a
# waiter, which has no acceptor for it) may answer InvalidSnapshot.NotFound / InvalidVolume.NotFound
# for an object that exists (EC2 API reference, "Eventual consistency"). Those answers are retried
# with a doubling pause, EC2_NOT_FOUND_TRIES times in all (default 6: 1+2+4+8+16 s with the default
# EC2_RETRY_SECONDS=1); any other error, or NotFound after the last try, is returned at once with
# its message on stderr. Prints what the call printed on stdout.
ec2_fresh() {
    local tries=${EC2_NOT_FOUND_TRIES:-6} delay=${EC2_RETRY_SECONDS:-1} try=1 err code
    while :; do
        # stdout passes straight through; stderr is kept to read the error code from.
        code=0
        { err=$(aws "$@" 2>&1 1>&3 3>&-); } 3>&1 || code=$?
        if [ "$code" = 0 ]; then return 0; fi
        if [[ "$err" != *Invalid*.NotFound* ]] || [ "$try" -ge "$tries" ]; then
            printf '%s\n' "$err" >&2
            return "$code"
        fi
        log "aws $1 $2: not found yet (try $try of $tries; EC2 is eventually consistent), again in ${delay}s"
        sleep "$delay" & wait $!
        try=$(( try + 1 )); delay=$(( delay * 2 ))
    done
}

# curl_secret CONFIG_LINE ARGS...: curl with one secret option (`user = "..."`, `header = "..."`)
# given as a config file on stdin (curl -K -), so that it never appears in argv, where any process
# on the node can read it (/proc/<pid>/cmdline).
curl_secret() {
    local line=$1; shift
    curl -K - "$@" <<< "$line"
}

# A curl config line `NAME = "VALUE"`, VALUE quoted as curl's config parser reads it back.
curl_config_line() {
    local value=${2//\\/\\\\}
    printf '%s = "%s"' "$1" "${value//\"/\\\"}"
}
