#!/usr/bin/env bash
# Photo stage throughput, quality and memory, against vipsthumbnail and
# ImageMagick, side by side in one run.
#
# 1. Throughput: generates BENCH_N (default 40) photo-like 12 MP JPEG
#    portraits (3000x4000, every third stored 4000x3000 with EXIF
#    orientation 6 or 8, as phones save them; 4:2:0, quality 92) and
#    normalises the same files to 480x600 (4:5, centre crop) with:
#    - mlegit photos (the mobywatel profile with crop: centre, so all three
#      tools keep the same part), BENCH_WORKERS (default 2) workers;
#    - vipsthumbnail --size 480x600 -c, per file, xargs -P BENCH_WORKERS;
#    - ImageMagick -define jpeg:size=960x1200 -thumbnail 480x600^ -gravity
#      center -extent 480x600, per file, xargs -P BENCH_WORKERS;
#    and prints photos/s, peak RSS and the ratios.
# 2. Quality: PSNR per channel (R, G, B) of each tool's output against a
#    Lanczos resize by ImageMagick of the full-resolution centre crop
#    (libjpeg's smooth chroma upsampling), over BENCH_PSNR_N (default 6)
#    of the photos.
# 3. Memory: peak RSS of one photo at a time (one worker) for 12 MP and
#    49 MP (6048x8064) photos, baseline and progressive (progressive made by
#    ImageMagick: libjpeg's standard script), for each tool.
#
# Needs: go, /usr/bin/time (Debian package "time"); vipsthumbnail
# (libvips-tools) and ImageMagick (imagemagick) for the comparison and the
# reference — missing ones are skipped (no reference: no PSNR, no
# progressive photos). Env: BENCH_N, BENCH_WORKERS, BENCH_ROUNDS (default
# 3: each tool runs that many times, interleaved, and its fastest run
# counts — other load on the machine only ever slows a run down),
# BENCH_PSNR_N, BENCH_BIG=0 skips the 49 MP photos, BENCH_KEEP=1 keeps the
# work folder.
set -euo pipefail
cd "$(dirname "$0")/.."

N=${BENCH_N:-40}
WORKERS=${BENCH_WORKERS:-2}
ROUNDS=${BENCH_ROUNDS:-3}
PSNR_N=${BENCH_PSNR_N:-6}
BIG=${BENCH_BIG:-1}
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

magick=""
if command -v magick >/dev/null; then
	magick="magick"
elif [ -x /usr/bin/convert ]; then
	magick="/usr/bin/convert"
fi

echo "generating $N 12 MP photos..."
go run ./photos/internal/benchgen -n "$N" -out "$work/in"

# mlegit photos with a centre-crop profile (as the other tools crop), or
# the same call through a harness when the CLI has no photos command.
cat >"$work/bench.yaml" <<EOC
profiles:
  bench:
    description: "mobywatel, centre crop (benchmark)"
    aspect_w: 4
    aspect_h: 5
    min_width: 480
    min_height: 600
    width: 480
    height: 600
    max_bytes: 1000000
    min_quality: 75
    max_quality: 95
    crop: centre
EOC
if grep -qs 'newPhotosCommand' cmd/mlegit/root.go; then
	go build -o "$work/mlegit" ./cmd/mlegit
	mlegit_run() { "$work/mlegit" photos --config "$work/bench.yaml" --profile bench --in "$1" --out "$2" --workers "$3"; }
	mlegit_name="mlegit photos"
else
	go build -o "$work/benchrun" ./photos/internal/benchrun
	mlegit_run() { "$work/benchrun" -profile mobywatel -crop centre -in "$1" -out "$2" -workers "$3"; }
	mlegit_name="photos.NormalizeDir"
fi
go build -o "$work/benchpsnr" ./photos/internal/benchpsnr

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

# One script per file and tool, run by xargs -P like a shell user would;
# the output folder is the second argument.
cat >"$work/vips-one.sh" <<EOS
#!/bin/sh
exec vipsthumbnail "\$1" --size 480x600 -c -o "\$2/%s.jpg[Q=$QUALITY,strip]"
EOS
cat >"$work/magick-one.sh" <<EOS
#!/bin/sh
exec $magick -define jpeg:size=960x1200 "\$1" -auto-orient -thumbnail '480x600^' \\
	-gravity center -extent 480x600 -strip -quality $QUALITY "\$2/\$(basename "\$1")"
EOS
chmod +x "$work/vips-one.sh" "$work/magick-one.sh"
# each SCRIPT INDIR OUTDIR WORKERS
each() { find "$2" -name '*.jpg' -print0 | xargs -0 -P "$4" -I{} "$1" {} "$3"; }

export -f each mlegit_run
export work
tools=(mlegit)
command -v vipsthumbnail >/dev/null && tools+=(vips)
[ -n "$magick" ] && tools+=(magick)
# run TOOL INDIR OUTDIR WORKERS RESULTNAME
run() {
	rm -rf "$3"
	case $1 in
	mlegit) measure "$5" "$3" bash -c 'mlegit_run "$@"' _ "$2" "$3" "$4" ;;
	vips) measure "$5" "$3" bash -c 'each "$work/vips-one.sh" "$@"' _ "$2" "$3" "$4" ;;
	magick) measure "$5" "$3" bash -c 'each "$work/magick-one.sh" "$@"' _ "$2" "$3" "$4" ;;
	esac
}
for round in $(seq "$ROUNDS"); do
	echo "round $round of $ROUNDS: ${tools[*]}"
	for t in "${tools[@]}"; do
		run "$t" "$work/in" "$work/out-$t" "$WORKERS" "$t"
	done
done

# Quality reference: ImageMagick's full decode, centre crop, Lanczos.
psnr_ok=""
if [ -n "$magick" ]; then
	echo "making $PSNR_N Lanczos references..."
	mkdir -p "$work/ref"
	find "$work/in" -name '*.jpg' | sort | head -n "$PSNR_N" | while read -r f; do
		$magick "$f" -auto-orient -gravity center -crop 3000x3750+0+0 +repage \
			-filter Lanczos -resize '480x600!' "$work/ref/$(basename "$f" .jpg).png"
	done
	psnr_ok=1
fi

# Peak RSS of single photos, one worker: 12 MP and 49 MP, baseline and
# progressive.
mem_kinds=(base12)
mkdir -p "$work/mem/base12"
cp "$(find "$work/in" -name '*.jpg' | sort | head -n 1)" "$work/mem/base12/"
if [ "$BIG" = 1 ]; then
	echo "generating a 49 MP photo..."
	go run ./photos/internal/benchgen -n 1 -width 6048 -height 8064 -prefix duze -out "$work/mem/base49"
	mem_kinds+=(base49)
fi
if [ -n "$magick" ]; then
	echo "making progressive copies..."
	for k in "${mem_kinds[@]}"; do
		p=prog${k#base}
		mkdir -p "$work/mem/$p"
		for f in "$work/mem/$k"/*.jpg; do
			$magick "$f" -quality 92 -interlace JPEG "$work/mem/$p/$(basename "$f")"
		done
		mem_kinds+=("$p")
	done
fi
for k in "${mem_kinds[@]}"; do
	for t in "${tools[@]}"; do
		run "$t" "$work/mem/$k" "$work/mem/out-$t-$k" 1 "mem-$t-$k"
	done
done

echo
echo "== throughput: $N photos 3000x4000 (12 MP) -> 480x600, $WORKERS workers, $(nproc) CPUs, best of $ROUNDS, load $(cut -d' ' -f1-3 /proc/loadavg)"
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

if [ -n "$psnr_ok" ]; then
	echo
	echo "== quality: PSNR (dB) against ImageMagick's Lanczos resize of the full-resolution centre crop"
	printf '%-22s %6s %6s %6s\n' tool R G B
	args=()
	for t in "${tools[@]}"; do args+=("$t=$work/out-$t"); done
	"$work/benchpsnr" -ref "$work/ref" "${args[@]}"
fi

echo
echo "== memory: peak RSS of one photo, one worker (MB)"
printf '%-22s' photo
for t in "${tools[@]}"; do printf ' %8s' "$t"; done
echo
for k in "${mem_kinds[@]}"; do
	case $k in
	base12) label="12 MP baseline" ;; prog12) label="12 MP progressive" ;;
	base49) label="49 MP baseline" ;; prog49) label="49 MP progressive" ;;
	esac
	printf '%-22s' "$label"
	for t in "${tools[@]}"; do
		if [ -f "$work/mem-$t-$k.result" ]; then
			read -r _ r c <"$work/mem-$t-$k.result"
			if [ "$c" = 1 ]; then
				awk -v r="$r" 'BEGIN { printf " %8.0f", r / 1024 }'
			else
				printf ' %8s' failed
			fi
		else
			printf ' %8s' -
		fi
	done
	echo
done
