#!/usr/bin/env bash
# Builds Ajel's container image, localhost/ajel:latest, from this checkout
# with podman or docker (whichever is installed; podman first). No base
# image is pulled: the image is FROM scratch and holds what is staged here.
#
#   deploy/container/build.sh            # the image localhost/ajel:latest
#   AJEL_IMAGE=localhost/ajel:test deploy/container/build.sh
#
# Needs Go, a C compiler with the static glibc (Debian: gcc, libc6-dev)
# and the CA certificates of the build machine (Debian: ca-certificates).
set -euo pipefail

root=$(cd "$(dirname "$0")/../.." && pwd)
image=${AJEL_IMAGE:-localhost/ajel:latest}

engine=""
if command -v podman >/dev/null 2>&1; then
	engine=podman
elif command -v docker >/dev/null 2>&1 && docker info >/dev/null 2>&1; then
	engine=docker
else
	echo "build.sh: neither podman nor a running docker is installed: install podman (apt-get install podman)" >&2
	exit 1
fi

certs=/etc/ssl/certs/ca-certificates.crt
if [ ! -s "$certs" ]; then
	echo "build.sh: no CA certificates at $certs: install ca-certificates" >&2
	exit 1
fi

stage=$(mktemp -d)
trap 'rm -rf "$stage"' EXIT

version=$(git -C "$root" describe --tags --always --dirty 2>/dev/null || echo dev)
echo "build.sh: compiling ajel $version (static, cgo SQLite)"
# netgo and osusergo: Go's own resolver and user lookup, no glibc NSS
# (which a static binary cannot load); sqlite_omit_load_extension: no
# dlopen; timetzdata: the time-zone database inside the binary.
mkdir -p "$stage/rootfs"
(cd "$root" && CGO_ENABLED=1 go build -trimpath \
	-tags 'netgo osusergo sqlite_omit_load_extension timetzdata' \
	-ldflags "-s -w -X main.version=$version -linkmode external -extldflags -static" \
	-o "$stage/rootfs/ajel" .)
if readelf -l "$stage/rootfs/ajel" 2>/dev/null | grep -q 'INTERP'; then
	echo "build.sh: the binary is not static (it names a dynamic loader)" >&2
	exit 1
fi

mkdir -p "$stage/rootfs/etc/ssl/certs" "$stage/rootfs/tmp" "$stage/data"
chmod 1777 "$stage/rootfs/tmp"
cp "$certs" "$stage/rootfs/etc/ssl/certs/ca-certificates.crt"
# A user of its own, not root, who owns the data volume.
printf 'root:x:0:0:root:/root:/sbin/nologin\najel:x:10001:10001:Ajel:/data:/sbin/nologin\n' >"$stage/rootfs/etc/passwd"
printf 'root:x:0:\najel:x:10001:\n' >"$stage/rootfs/etc/group"
cp "$root/deploy/container/Dockerfile" "$stage/Dockerfile"

format=()
if [ "$engine" = podman ]; then
	format=(--format docker) # OCI images drop HEALTHCHECK
fi
echo "build.sh: building $image with $engine"
"$engine" build "${format[@]}" -t "$image" -f "$stage/Dockerfile" "$stage"
echo "build.sh: $image built"
