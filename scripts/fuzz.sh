#!/bin/sh
# fuzz.sh DIR SECONDS TARGET...: runs each libFuzzer target DIR/fuzz_TARGET
# for SECONDS, one after the other, with the seeds of fuzz/corpus/TARGET/
# (read only) and DIR/corpus/TARGET/ (where new inputs go), and the
# dictionary fuzz/TARGET.dict when there is one. Crash inputs are written
# to DIR/artifacts/TARGET/. Prints one summary line per target
# ("fuzz: TARGET runs=N secs=S result=ok|FAILED") and exits 1 when any
# target found something.
set -u
dir=$1
secs=$2
shift 2
failed=""
for t in "$@"; do
	mkdir -p "$dir/corpus/$t" "$dir/artifacts/$t"
	dict=""
	[ -f "fuzz/$t.dict" ] && dict="-dict=fuzz/$t.dict"
	log="$dir/fuzz-$t.log"
	# shellcheck disable=SC2086 # $dict is one word or none
	"$dir/fuzz_$t" -max_total_time="$secs" -print_final_stats=1 \
	    -timeout=10 -rss_limit_mb=2048 $dict \
	    -artifact_prefix="$dir/artifacts/$t/" \
	    "$dir/corpus/$t" "fuzz/corpus/$t" >"$log" 2>&1
	rc=$?
	runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" |
	    tail -n 1)
	if [ "$rc" -eq 0 ]; then
		echo "fuzz: $t runs=${runs:-?} secs=$secs result=ok"
	else
		echo "fuzz: $t runs=${runs:-?} secs=$secs result=FAILED" \
		    "(exit $rc; see $log and $dir/artifacts/$t/)"
		failed="$failed $t"
	fi
done
if [ -n "$failed" ]; then
	echo "fuzz: findings in:$failed" >&2
	exit 1
fi
exit 0
