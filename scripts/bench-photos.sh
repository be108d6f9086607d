#!/usr/bin/env bash
# Photo stage throughput and memory, against vipsthumbnail and ImageMagick.
#
# Generates BENCH_N (default 40) photo-like 12 MP JPEG portraits (3000x4000,
# every third stored 4000x3000 with EXIF orientation 6 or 8, as phones save
# them), then normalises the same files to 480x600 (4:5, centre crop) with:
#   - mlegit photos (the mobywatel profile), BENCH_WORKERS (default 2) workers;
#   - vipsthumbnail --size 480x600 -c, per file, xargs -P BENCH_WORKERS;
#   - ImageMagick -define jpeg:size=960x1200 -thumbnail 480x600^ -gravity
#     center -extent 480x600, per file, xargs -P BENCH_WORKERS;
# and prints photos/s and peak RSS (/usr/bin/time -v) of each, with ratios.
# For the per-file tools peak RSS is that of the largest single process (one
# worker); for mlegit it is the whole process (all workers).
#
# Needs: go, /usr/bin/time (Debian package "time"); optional: vipsthumbnail
# (libvips-tools) and ImageMagick (imagemagick) — missing ones are skipped.
# Env: BENCH_N, BENCH_WORKERS, BENCH_ROUNDS (default 1: each tool runs that
# many times, interleaved, and its fastest run counts — other load on the
# machine only ever slows a run down), BENCH_KEEP=1 keeps the work folder.
set -euo pipefail
cd "$(dirname "$0")/.."

N=${BENCH_N:-40}
WORKERS=${BENCH_WORKERS:-2}
ROUNDS=${BENCH_ROUNDS:-1}
QUALITY=95 # what the mobywatel profile picks when the byte limit allows

# Install what is missing when we may (root with apt-get): time for peak RSS,
# and the tools compared against. Without network or rights, go on with what
# is there.
missing=""
[ -x /usr/bin/time ] || missing="$missing time"
command -v vipsthumbnail >/dev/null 2>&1 || missing="$missing libvips-tools"
command -v magick >/dev/null 2>&1 || [ -x /usr/bin/convert ] || missing="$missing imagemagick"
if [ -n "$missing" ] && [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
	echo "bench-photos: installing$missing..."
	timeout 300 sh -c "apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $missing" >/dev/null 2>&1 || true
fi
if [ ! -x /usr/bin/time ]; then
	echo "bench-photos: /usr/bin/time missing (apt-get install time)" >&2
	exit 2
fi
work=$(mktemp -d)
if [ "${BENCH_KEEP:-}" = 1 ]; then
	echo "work folder: $work"
else
	trap 'rm -rf "$work"' EXIT
fi

echo "generating $N 12 MP photos..."
go run ./photos/internal/benchgen -n "$N" -out "$work/in"

# mlegit photos if the CLI has it, else the same call through a harness.
if grep -qs 'newPhotosCommand' cmd/mlegit/root.go; then
	go build -o "$work/mlegit" ./cmd/mlegit
	mlegit_cmd=("$work/mlegit" photos --in "$work/in" --out "$work/out-mlegit" --profile mobywatel --workers "$WORKERS")
	mlegit_name="mlegit photos"
else
	go build -o "$work/benchrun" ./photos/internal/benchrun
	mlegit_cmd=("$work/benchrun" -in "$work/in" -out "$work/out-mlegit" -profile mobywatel -workers "$WORKERS")
	mlegit_name="photos.NormalizeDir"
fi

magick=""
if command -v magick >/dev/null; then
	magick="magick"
elif [ -x /usr/bin/convert ]; then
	magick="/usr/bin/convert"
fi

# measure NAME OUTDIR CMD... — runs CMD under /usr/bin/time -v and records
# wall seconds and peak RSS (kB) in $work/NAME.result.
measure() {
	local name=$1 outdir=$2
	shift 2
	mkdir -p "$outdir"
	/usr/bin/time -v -o "$work/$name.time" "$@" >"$work/$name.log" 2>&1 || {
		echo "$name failed:" >&2
		tail -5 "$work/$name.log" >&2
		return 1
	}
	local wall rss count
	wall=$(awk -F': ' '/Elapsed \(wall clock\)/ {n=split($2,p,":"); s=0; for(i=1;i<=n;i++) s=s*60+p[i]; print s}' "$work/$name.time")
	rss=$(awk -F': ' '/Maximum resident set size/ {print $2}' "$work/$name.time")
	count=$(find "$outdir" -name '*.jpg' | wc -l)
	# Keep the fastest run; peak RSS is the largest of all runs.
	if [ -f "$work/$name.result" ]; then
		read -r w0 r0 _ <"$work/$name.result"
		wall=$(awk -v a="$wall" -v b="$w0" 'BEGIN { print (a < b ? a : b) }')
		rss=$((rss > r0 ? rss : r0))
	fi
	echo "$wall $rss $count" >"$work/$name.result"
}

# One script per file and tool, run by xargs -P like a shell user would.
cat >"$work/vips-one.sh" <<EOS
#!/bin/sh
exec vipsthumbnail "\$1" --size 480x600 -c -o "$work/out-vips/%s.jpg[Q=$QUALITY,strip]"
EOS
cat >"$work/magick-one.sh" <<EOS
#!/bin/sh
exec $magick -define jpeg:size=960x1200 "\$1" -auto-orient -thumbnail '480x600^' \\
	-gravity center -extent 480x600 -strip -quality $QUALITY "$work/out-magick/\$(basename "\$1")"
EOS
chmod +x "$work/vips-one.sh" "$work/magick-one.sh"
each() { find "$work/in" -name '*.jpg' -print0 | xargs -0 -P "$WORKERS" -n 1 "$1"; }

export -f each
export work WORKERS
tools=(mlegit)
command -v vipsthumbnail >/dev/null && tools+=(vips)
[ -n "$magick" ] && tools+=(magick)
for round in $(seq "$ROUNDS"); do
	echo "round $round of $ROUNDS: ${tools[*]}"
	for t in "${tools[@]}"; do
		rm -rf "$work/out-$t"
		case $t in
		mlegit) measure mlegit "$work/out-mlegit" "${mlegit_cmd[@]}" ;;
		vips) measure vips "$work/out-vips" bash -c 'each "$work/vips-one.sh"' ;;
		magick) measure magick "$work/out-magick" bash -c 'each "$work/magick-one.sh"' ;;
		esac
	done
done

echo
echo "$N photos 3000x4000 (12 MP) -> 480x600, $WORKERS workers, $(nproc) CPUs, best of $ROUNDS, load $(cut -d' ' -f1-3 /proc/loadavg)"
printf '%-22s %8s %9s %10s %6s\n' tool seconds photos/s "peak RSS" files
read -r mw mr _ <"$work/mlegit.result"
for t in "${tools[@]}"; do
	[ -f "$work/$t.result" ] || continue
	read -r w r c <"$work/$t.result"
	name=$t
	[ "$t" = mlegit ] && name=$mlegit_name
	awk -v n="$name" -v w="$w" -v r="$r" -v c="$c" -v N="$N" \
		'BEGIN { printf "%-22s %8.2f %9.2f %7.0f MB %6d\n", n, w, N / w, r / 1024, c }'
done
for t in "${tools[@]}"; do
	[ "$t" = mlegit ] || [ ! -f "$work/$t.result" ] && continue
	read -r w r _ <"$work/$t.result"
	awk -v t="$t" -v mw="$mw" -v mr="$mr" -v w="$w" -v r="$r" -v k="$WORKERS" \
		'BEGIN { printf "mlegit vs %-7s throughput %.2fx, peak RSS %.2fx (mlegit %.0f MB per worker)\n", t, w / mw, mr / r, mr / 1024 / k }'
done
