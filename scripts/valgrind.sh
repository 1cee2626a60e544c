#!/bin/sh
# valgrind.sh B BIN SLOW SUITE...: make valgrind. Runs, under memcheck,
#   1. B/check_unit with CK_FORK=no (the test bodies in the valgrind'd
#      process), leaving out the TCases tagged "fork" (they change the
#      process for good), then those alone in fork mode;
#   2. B/check_integ for each SUITE ("suite" or "suite:tcase") with
#      POPGATE_BIN=B/valgrind/bin: wrappers that exec BIN/popgated and
#      BIN/popgate under valgrind, each run logging into a folder of
#      its own under B/valgrind/logs/integ/SUITE/ (PID.log: the program
#      and each child it forks, popgated's session children); the
#      harness's waits and TCase timeouts multiplied by SLOW
#      (HARNESS_SLOW);
#   3. scripts/vgscan.py over every log: any error, definitely or
#      indirectly lost block, or descriptor left open at exit fails.
# scripts/valgrind.supp is used when it exists (findings in libssh,
# OpenSSL or libc only, each one explained). Prints one line per step and
# exits 1 when a test failed or a log has a finding.
set -u
b=$1
bin=$2
slow=$3
shift 3
top=$(pwd)
out="$top/$b/valgrind"
failed=""

vg="valgrind --vgdb=no --leak-check=full --show-leak-kinds=definite,indirect"
vg="$vg --errors-for-leak-kinds=definite,indirect --track-fds=yes"
vg="$vg --num-callers=30"
supp="$top/scripts/valgrind.supp"
[ -f "$supp" ] && vg="$vg --suppressions=$supp"

rm -rf "$out"
mkdir -p "$out/bin" "$out/logs/unit/nofork" "$out/logs/unit/fork" \
    "$out/logs/integ" || exit 1

# The wrappers: exec keeps the pid the harness knows (valgrind runs in
# the process), so signals reach the program as usual. Each run logs into
# a folder of its own (pids are reused over a long run; a folder never
# is), and vgscan.py tells a forked child by its parent's log there.
for prog in popgated popgate; do
	cat >"$out/bin/$prog" <<EOF
#!/bin/sh
# $prog under memcheck, for make valgrind (written by scripts/valgrind.sh)
logs=\$(mktemp -d "\${POPGATE_VG_LOGS:-$out/logs/integ}/$prog.XXXXXX") ||
    exit 127
exec $vg \\
    --log-file="\$logs/%p.log" "$top/$bin/$prog" "\$@"
EOF
	chmod 0755 "$out/bin/$prog" || exit 1
done

# step NAME COMMAND...: runs it, prints how it went and how long it took.
step() {
	name=$1
	shift
	start=$(date +%s)
	"$@" >"$out/$name.out" 2>&1
	rc=$?
	secs=$(($(date +%s) - start))
	if [ "$rc" -eq 124 ]; then
		echo "valgrind: timed out after $secs s" >>"$out/$name.out"
	fi
	# libcheck runs nothing, and passes, for a suite or TCase it lacks.
	if [ "$rc" -eq 0 ] && grep -q "Checks: 0," "$out/$name.out"; then
		echo "valgrind: no such suite or TCase" >>"$out/$name.out"
		rc=1
	fi
	if [ "$rc" -eq 0 ]; then
		echo "valgrind: $name passed (${secs} s)"
	else
		echo "valgrind: $name FAILED (exit $rc, ${secs} s; see" \
		    "$out/$name.out)"
		tail -n 20 "$out/$name.out"
		failed="$failed $name"
	fi
}

# Without fork libcheck enforces no TCase timeout: timeout(1) bounds the
# whole run (it takes about 90 s).
unit_limit=$((300 * slow))
# shellcheck disable=SC2086 # $vg is words
step unit timeout -k 30 "$unit_limit" env CK_FORK=no CK_EXCLUDE_TAGS=fork \
    $vg --log-file="$out/logs/unit/nofork/%p.log" "$b/check_unit"
# shellcheck disable=SC2086
step unit-fork timeout -k 30 "$unit_limit" env CK_INCLUDE_TAGS=fork \
    CK_TIMEOUT_MULTIPLIER="$slow" $vg \
    --log-file="$out/logs/unit/fork/%p.log" "$b/check_unit"

for entry in "$@"; do
	suite=${entry%%:*}
	tcase=""
	case "$entry" in
	*:*) tcase=${entry#*:} ;;
	esac
	name="$suite${tcase:+-$tcase}"
	logs="$out/logs/integ/$name"
	mkdir -p "$logs" || exit 1
	step "$name" env CK_RUN_SUITE="$suite" ${tcase:+CK_RUN_CASE="$tcase"} \
	    POPGATE_BIN="$out/bin" POPGATE_VG_LOGS="$logs" \
	    HARNESS_SLOW="$slow" \
	    "$b/check_integ"
done

# The unit tests' forked children _exit() with libcheck's files open:
# only the test process's own descriptors count there.
if ! python3 scripts/vgscan.py --parent-fds-only "$out/logs/unit"; then
	failed="$failed unit-logs"
fi
if ! python3 scripts/vgscan.py "$out/logs/integ"; then
	failed="$failed integ-logs"
fi
if [ -n "$failed" ]; then
	echo "valgrind: failed:$failed (logs in $out/logs)" >&2
	exit 1
fi
echo "valgrind: clean (logs in $out/logs)"
exit 0
