# httpget-flags suite helpers (issue 15, the options that are not a
# request body): httpget run in a folder of its own (-O writes into the
# current folder), with a given standard input (-w @-), without a
# controlling terminal (-u USER) or on a pseudo-terminal (the password
# prompt).  Loaded after helpers/httpget, whose hg and expect these mirror.

# hg_in DIR ARGS...: hg with DIR as the current folder.
hg_in() {
	local dir=$1
	shift
	status=0
	(cd "$dir" && exec timeout -k 5 "${HG_TIMEOUT:-30}" "$HTTPGET" "$@") \
	    >"$OUT" 2>"$ERR" </dev/null || status=$?
}

# hg_stdin FILE ARGS...: hg with standard input from FILE.
hg_stdin() {
	local in=$1
	shift
	status=0
	timeout -k 5 "${HG_TIMEOUT:-30}" "$HTTPGET" "$@" >"$OUT" 2>"$ERR" \
	    <"$in" || status=$?
}

# hg_notty ARGS...: hg in a session of its own, so that /dev/tty cannot
# be opened (ENXIO), standard input /dev/null.
hg_notty() {
	status=0
	setsid -w timeout -k 5 "${HG_TIMEOUT:-30}" "$HTTPGET" "$@" \
	    >"$OUT" 2>"$ERR" </dev/null || status=$?
}

# hg_pty ANSWER ARGS...: runs httpget on a new pseudo-terminal (its
# controlling terminal, stdin, stdout and stderr), waits at most 10 s for
# a line ending in ':' (the password prompt), types ANSWER and Return,
# and saves everything the terminal showed in $OUT.  Sets status.
hg_pty() {
	status=0
	PTY_OUT=$OUT timeout -k 5 "${HG_TIMEOUT:-30}" python3 -c '
import os, pty, select, sys, time
answer = sys.argv[1].encode()
pid, fd = pty.fork()
if pid == 0:
    os.execv(sys.argv[2], sys.argv[2:])
seen = b""
typed = False
deadline = time.monotonic() + 10
while time.monotonic() < deadline:
    if not typed and seen.rstrip().endswith(b":"):
        os.write(fd, answer + b"\n")
        typed = True
    if not select.select([fd], [], [], 0.2)[0]:
        continue
    try:
        data = os.read(fd, 4096)
    except OSError:
        break
    if not data:
        break
    seen += data
with open(os.environ["PTY_OUT"], "wb") as f:
    f.write(seen)
for i in range(50):
    done, st = os.waitpid(pid, os.WNOHANG)
    if done:
        break
    time.sleep(0.1)
else:
    os.kill(pid, 9)
    done, st = os.waitpid(pid, 0)
sys.exit(os.waitstatus_to_exitcode(st))
' "$1" "$HTTPGET" "${@:2}" </dev/null 2>"$ERR" || status=$?
}

# one_line PREFIX: stderr is one line starting with PREFIX.
one_line() {
	[ "$(wc -l <"$ERR")" -eq 1 ] && [ "$(head -c ${#1} "$ERR")" = "$1" ] \
	    && return 0
	echo "expected one line starting '$1' on stderr, got:"
	od -c "$ERR" | head -10
	return 1
}

# json_get KEY: the value of KEY in the JSON object in $OUT, as Python's
# repr (so that 0 and "0" and null differ).
json_get() {
	python3 -c 'import json, sys
print(repr(json.load(open(sys.argv[1]))[sys.argv[2]]))' "$OUT" "$1"
}
