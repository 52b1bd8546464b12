#!/usr/bin/env bash
# Builds the test image without a registry: Debian's busybox-static unpacked into a root file
# system and imported with `docker import`. Usage: make-test-image.sh [TAG]
set -euo pipefail
tag="${1:-enxame-test/busybox:latest}"

if docker image inspect "$tag" >/dev/null 2>&1; then exit 0; fi

if [ ! -x /bin/busybox ]; then
  echo "make-test-image: installing busybox-static" >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >&2
  apt-get install -y -qq busybox-static >&2
fi

rootfs="$(mktemp -d)"
trap 'rm -rf "$rootfs"' EXIT
mkdir -p "$rootfs/bin" "$rootfs/tmp" "$rootfs/etc" "$rootfs/var/www"
cp /bin/busybox "$rootfs/bin/busybox"
for applet in $("$rootfs/bin/busybox" --list); do
  [ -e "$rootfs/bin/$applet" ] || ln -s busybox "$rootfs/bin/$applet"
done
echo "root:x:0:0:root:/root:/bin/sh" > "$rootfs/etc/passwd"
echo "root:x:0:" > "$rootfs/etc/group"
chmod 1777 "$rootfs/tmp"
tar -C "$rootfs" -c . | docker import -c 'CMD ["/bin/sh"]' -c 'ENV PATH=/bin' - "$tag" >/dev/null
echo "make-test-image: built $tag" >&2
