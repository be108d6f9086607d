#!/usr/bin/env bash
# The Windows build's tests, run under Wine: each package in PKGS is built
# with GOOS=windows as a test binary and run by wine in a throw-away prefix.
#
# Wine 8 (Debian 12) lacks ProcessPrng in bcryptprimitives.dll, which Go
# binaries since 1.24 need; a stand-in DLL (scripts/wine/processprng.c,
# a few lines calling BCryptGenRandom) is built with mingw-w64 into that
# prefix only. Test scaffolding, never shipped.
#
# Without wine or x86_64-w64-mingw32-gcc the stage is skipped, unless
# CI=true, where it fails.
set -euo pipefail
cd "$(dirname "$0")/.."
GO=${GO:-go}

# The packages whose behaviour differs on Windows, and the tests to run
# in each ("." = all).
PKGS=(
	"./state Lock"
	"./safefile Held|Private"
	"./slips Stale|Held"
	"./config ."
	"./cmd/mlegit Windows"
)

missing=""
for tool in wine x86_64-w64-mingw32-gcc; do
	command -v "$tool" >/dev/null 2>&1 || missing="$missing $tool"
done
if [ -n "$missing" ]; then
	if [ "${CI:-}" = true ]; then
		echo "test-windows: missing$missing (apt-get install wine wine64 gcc-mingw-w64-x86-64)" >&2
		exit 1
	fi
	echo "test-windows: SKIPPED, missing$missing"
	exit 0
fi

work=$(mktemp -d)
trap 'wineserver -k >/dev/null 2>&1 || true; rm -rf "$work"' EXIT
export WINEPREFIX="$work/prefix" WINEDEBUG=-all WINEDLLOVERRIDES="bcryptprimitives=n;mscoree,mshtml="
export WINEARCH=win64
x86_64-w64-mingw32-gcc -shared -O2 -o "$work/bcryptprimitives.dll" \
	scripts/wine/processprng.c scripts/wine/processprng.def -lbcrypt
wineboot -i >/dev/null 2>&1
cp "$work/bcryptprimitives.dll" "$WINEPREFIX/drive_c/windows/system32/"

# Wine 8 answers NtSetInformationFile(FileDispositionInformationEx) with
# STATUS_NOT_IMPLEMENTED, which Go's os.RemoveAll does not take as "use the
# older call", so every t.TempDir cleanup would fail. The test binaries are
# built with an overlay of Go's own file that adds that status to the
# fallback list: Wine scaffolding, nothing of it in the shipped build.
goroot=$($GO env GOROOT)
at="$goroot/src/internal/syscall/windows/at_windows.go"
grep -q 'STATUS_NOT_SUPPORTED:     // the file system' "$at" || {
	echo "test-windows: $at changed; update the Wine overlay" >&2
	exit 1
}
sed 's#STATUS_NOT_SUPPORTED:     // the file system#NTStatus(0xC0000002), /* Wine */ STATUS_NOT_SUPPORTED: // the file system#' "$at" >"$work/at_windows.go"
printf '{"Replace":{"%s":"%s"}}\n' "$at" "$work/at_windows.go" >"$work/overlay.json"

fail=0
for entry in "${PKGS[@]}"; do
	read -r pkg run <<<"$entry"
	name=$(basename "$pkg")
	exe="$work/$name.test.exe"
	GOOS=windows GOARCH=amd64 $GO test -c -overlay "$work/overlay.json" -o "$exe" "$pkg"
		# Run in the package's folder, as go test does, for testdata/.
	# Go's asynchronous preemption suspends a thread and rewrites its
	# context (SuspendThread, SetThreadContext); under Wine on a loaded
	# machine that rarely crashes the runtime mid-test (a throw inside
	# whatever goroutine was preempted: seen 2 times in about 25 runs,
	# always in the slips test, which prints PDFs on several goroutines).
	# The tests here are about files and locks, not preemption, so the
	# Wine runs use cooperative preemption only; the shipped binary keeps
	# the default.
	if (cd "$pkg" && GODEBUG=asyncpreemptoff=1 wine "$exe" -test.v -test.run "$run" >"$work/$name.log" 2>&1); then
		echo "ok    $pkg (windows): $(grep -c "^--- PASS" "$work/$name.log") tests passed, $(grep -c "^--- SKIP" "$work/$name.log") skipped"
	else
		tr -d '\r' <"$work/$name.log" | tail -n 60
		echo "FAIL  $pkg (windows)"
		fail=1
	fi
done
exit $fail
