#!/usr/bin/env bash
# The container image test, run by .ci/run: builds the image with build.sh,
# then — running containers is not permitted where CI runs — exports the
# image's file system and runs the binary from it as the container would
# (chroot, the image's user and environment): `ajel demo` starts and
# answers /healthz through `ajel healthcheck`, the image's HEALTHCHECK.
#
# Without podman (or a running docker) it installs Debian's podman when it
# can (root, apt-get); when it cannot, it says so and skips, exit 0, so the
# rest of CI goes on.
set -euo pipefail

root=$(cd "$(dirname "$0")/../.." && pwd)
image=${AJEL_IMAGE:-localhost/ajel:latest}
export AJEL_IMAGE=$image

skip() {
	echo "image test: SKIPPED: $*"
	exit 0
}

if ! command -v podman >/dev/null 2>&1 && ! { command -v docker >/dev/null 2>&1 && docker info >/dev/null 2>&1; }; then
	if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
		echo "image test: installing podman (Debian's package)"
		if ! (timeout 300 apt-get update -qq && DEBIAN_FRONTEND=noninteractive timeout 300 apt-get install -y -qq podman >/dev/null); then
			skip "podman could not be installed (apt-get failed); the image was not built"
		fi
	else
		skip "neither podman nor docker is installed, and podman cannot be installed here (needs root and apt-get)"
	fi
fi
engine=podman
command -v podman >/dev/null 2>&1 || engine=docker
if [ "$(id -u)" != 0 ]; then
	skip "running the image's binary needs chroot, which needs root"
fi

"$root/deploy/container/build.sh"

work=$(mktemp -d)
cid=""
demo=""
cleanup() {
	[ -n "$demo" ] && kill "$demo" 2>/dev/null && wait "$demo" 2>/dev/null || true
	[ -n "$cid" ] && "$engine" rm -f "$cid" >/dev/null 2>&1 || true
	rm -rf "$work"
}
trap cleanup EXIT

fail() {
	echo "image test: FAILED: $*" >&2
	exit 1
}

# What the image says of itself.
config=$("$engine" image inspect --format '{{.Config.User}}|{{json .Config.Healthcheck}}|{{json .Config.Volumes}}|{{json .Config.Env}}' "$image")
case "$config" in
10001:10001\|*'"/ajel","healthcheck"'*\|*'"/data"'*'DATABASE_PATH=/data/ajel.db'*) ;;
*) fail "the image's user, HEALTHCHECK, volume or DATABASE_PATH are not as built: $config" ;;
esac

# Its file system, without running it.
cid=$("$engine" create "$image")
mkdir "$work/rootfs"
"$engine" export "$cid" | tar -x -C "$work/rootfs"
rootfs=$work/rootfs
[ -x "$rootfs/ajel" ] || fail "no /ajel in the image"
[ -s "$rootfs/etc/ssl/certs/ca-certificates.crt" ] || fail "no CA certificates in the image"
grep -q '^ajel:x:10001:10001:' "$rootfs/etc/passwd" || fail "no user ajel (10001) in /etc/passwd"
[ "$(stat -c %u "$rootfs/data")" = 10001 ] || fail "/data is not owned by the user ajel"
[ "$(stat -c %a "$rootfs/tmp")" = 1777 ] || fail "/tmp is not writable by every user (mode $(stat -c %a "$rootfs/tmp"))"
if readelf -l "$rootfs/ajel" 2>/dev/null | grep -q INTERP; then
	fail "/ajel is not a static binary"
fi
echo "image test: $(du -sh "$rootfs" | cut -f1) on disk, $(chroot --userspec=10001:10001 "$rootfs" /ajel version)"

# The demo, as the image's user with the image's environment, on a free
# port of the loopback; then its /healthz through the image's own check.
chroot=$(command -v chroot)
env -i PATH=/ HOME=/data DATABASE_PATH=/data/ajel.db TMPDIR=/tmp SQLITE_TMPDIR=/tmp HTTP_ADDR=127.0.0.1:0 \
	"$chroot" --userspec=10001:10001 "$rootfs" /ajel demo --duration 90s --every 1s >"$work/demo.out" 2>"$work/demo.err" &
demo=$!
addr=""
for _ in $(seq 1 300); do
	addr=$(grep -so 'http://127\.0\.0\.1:[0-9]*/' "$work/demo.out" | head -1 || true)
	[ -n "$addr" ] && break
	kill -0 "$demo" 2>/dev/null || break
	sleep 0.2
done
[ -n "$addr" ] || fail "ajel demo did not start: $(cat "$work/demo.err")"
healthy=""
for _ in $(seq 1 100); do
	if chroot --userspec=10001:10001 "$rootfs" /ajel healthcheck --url "${addr}healthz" >"$work/health.out" 2>&1; then
		healthy=yes
		break
	fi
	sleep 0.3
done
[ -n "$healthy" ] || fail "/healthz did not answer 200: $(cat "$work/health.out")"
echo "image test: ajel demo started from the image's file system and $(cat "$work/health.out")"
# The demo's reader gets pushes: the pipeline works inside the image.
for _ in $(seq 1 150); do
	grep -q 'أخبار عاجلة' "$work/demo.out" && break
	sleep 0.2
done
grep -q 'أخبار عاجلة' "$work/demo.out" || fail "the demo pushed nothing: $(tail -5 "$work/demo.out") $(cat "$work/demo.err")"
echo "image test: passed"
