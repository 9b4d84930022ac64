# Starting and stopping one `grpcpool serve` echo server (Netty on 127.0.0.1, a free port) for a measuring script.
# Needs the array `grpcpool` (the command that runs the CLI) and a name for messages in `script`.

server_pid=""
address=""

# Starts `grpcpool serve --port 0 OPTIONS...` in the background, logging to LOG; sets server_pid and address
# (host:port of backend-0). Exits 1 with the server's log when it does not start within 30 s.
start_echo_server() {  # log options...
  local log=$1
  shift
  "${grpcpool[@]}" serve --port 0 "$@" > "$log" 2>&1 &
  server_pid=$!
  for _ in $(seq 1 300); do
    if grep -q '^target ' "$log"; then
      address=$(awk '$1 == "backend-0" {print $2}' "$log")
      return 0
    fi
    kill -0 "$server_pid" 2>/dev/null || break
    sleep 0.1
  done
  echo "$script: the echo server did not start:" >&2
  cat "$log" >&2
  exit 1
}

# Stops the server started last, if it runs; `grpcpool serve` exits 0 on SIGTERM, and anything else is reported
# (returns 1).
stop_echo_server() {
  if [ -n "$server_pid" ] && kill -0 "$server_pid" 2>/dev/null; then
    kill -TERM "$server_pid"
    if ! wait "$server_pid"; then
      echo "$script: the echo server did not exit cleanly on SIGTERM" >&2
      server_pid=""
      return 1
    fi
  fi
  server_pid=""
}
