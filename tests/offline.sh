#!/usr/bin/env bash
# partnerbook never talks to the network: `check` and `build` of the example
# site run under strace, and any socket other than a local (AF_UNIX) one, or
# any connect(), fails the check. `serve` opens one listening socket, on
# 127.0.0.1 unless told otherwise, and connects nowhere. Run by .ci/run,
# which installs strace; by hand: `bash tests/offline.sh target/release/partnerbook`.
set -euo pipefail
cd "$(dirname "$0")/.."
bin=${1:-target/release/partnerbook}
command -v strace >/dev/null || { echo "strace is missing: apt-get install strace" >&2; exit 1; }
work=$(mktemp -d)
trap 'kill "${serve_pid:-}" 2>/dev/null || true; rm -rf "$work"' EXIT

fail=0
for cmd in check build; do
    args=("$cmd")
    [ "$cmd" = build ] && args+=(--output-dir "$work/public")
    strace -f -qq -e trace=socket,connect -o "$work/$cmd.trace" "$bin" "${args[@]}" >/dev/null 2>&1
    if grep -vE 'socket\(AF_UNIX|^\s*$|\+\+\+ exited|--- SIG' "$work/$cmd.trace" | grep -E 'socket\(|connect\(' ; then
        echo "partnerbook $cmd used the network (above)" >&2
        fail=1
    else
        echo "partnerbook $cmd: no network socket, no connection"
    fi
done

# serve: one listening socket on loopback, no outgoing connection
strace -f -qq -e trace=socket,bind,connect -o "$work/serve.trace" "$bin" serve -p 0 >"$work/serve.out" 2>&1 &
serve_pid=$!
for _ in $(seq 100); do grep -q serving "$work/serve.out" && break; sleep 0.1; done
# Ctrl-C goes to partnerbook itself (strace, interrupted, would only detach)
pkill -INT -P "$serve_pid" || true
wait "$serve_pid" || true
binds=$(grep -c 'bind(' "$work/serve.trace" || true)
# the only connection allowed is to the loopback address it serves on,
# which an HTTP runtime may use to wake its own threads
if grep -E 'connect\(' "$work/serve.trace" | grep -v AF_UNIX | grep -v 'sin_addr=inet_addr("127.0.0.1")'; then
    echo "partnerbook serve connected somewhere (above)" >&2; fail=1
elif [ "$binds" != 1 ] || ! grep -q 'bind(.*inet_addr("127.0.0.1")' "$work/serve.trace"; then
    echo "partnerbook serve did not bind exactly once, to 127.0.0.1:" >&2
    grep 'bind(' "$work/serve.trace" >&2 || true; fail=1
else
    echo "partnerbook serve: one socket bound to 127.0.0.1, no connection to anywhere else"
fi
exit $fail
