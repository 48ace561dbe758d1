#!/usr/bin/env bash
# Unpacks a pinned User-Mode Linux kernel (Debian's user-mode-linux from forky) into lab/bin/uml/, for the LVS lab
# on hosts whose own kernel has no IP_VS. Bookworm's user-mode-linux 6.1 (and trixie's 6.12) cannot run a process
# on hosts whose CPUs have AMX: the guest's first exec dies with "userspace - ptrace set fp regs failed, errno = 14"
# (its FP-state buffer is smaller than the host's XSTATE). forky's 7.2 sizes it from the host and runs.
# It needs glibc 2.38, so its interpreter and library path are pointed at trixie's libc6, unpacked beside it.
# The packages come through apt with a private state folder (signature-checked against the system's Debian keyring;
# the system's sources are not touched). Skips when lab/bin/uml already holds these versions.
#   lab/tools/uml.sh        prints the kernel it made or found; exit 2 when it cannot (a missing tool or package)
set -euo pipefail
UML_VERSION=7.2um1
LIBC_VERSION=2.41-12+deb13u5
MIRROR=${DEBIAN_MIRROR:-http://deb.debian.org/debian}

out=$(cd "$(dirname "$0")/.." && pwd)/bin/uml
stamp="user-mode-linux $UML_VERSION, libc6 $LIBC_VERSION"
if [ -x "$out/linux.uml" ] && [ "$(cat "$out/.stamp" 2>/dev/null)" = "$stamp" ]; then
  echo "uml: $stamp in $out"
  exit 0
fi
for tool in apt-get dpkg-deb patchelf; do
  command -v "$tool" >/dev/null || { echo "uml: $tool is not installed (apt-get install patchelf)" >&2; exit 2; }
done

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/lists/partial" "$work/cache/archives/partial"
cat >"$work/sources.list" <<EOF
deb $MIRROR forky main
deb $MIRROR trixie main
EOF
apt_private=(-o "Dir::Etc::SourceList=$work/sources.list" -o Dir::Etc::SourceParts=/dev/null
  -o "Dir::State::Lists=$work/lists" -o "Dir::Cache=$work/cache" -qq)
if ! apt-get "${apt_private[@]}" update >"$work/update.log" 2>&1; then
  echo "uml: apt-get update of forky and trixie from $MIRROR failed:" >&2
  cat "$work/update.log" >&2
  exit 2
fi
cd "$work"
if ! apt-get "${apt_private[@]}" download "user-mode-linux=$UML_VERSION" "libc6=$LIBC_VERSION" >"$work/download.log" 2>&1; then
  echo "uml: cannot download user-mode-linux $UML_VERSION and libc6 $LIBC_VERSION (no longer on the mirror?):" >&2
  cat "$work/download.log" >&2
  exit 2
fi

rm -rf "$out.new"
mkdir -p "$out.new"
dpkg-deb -x user-mode-linux_*.deb "$work/uml"
dpkg-deb -x libc6_*.deb "$work/libc"
cp "$work/uml/usr/bin/linux.uml" "$out.new/linux.uml"
mv "$work/uml/usr/lib/uml/modules" "$out.new/modules"
mv "$work/libc/usr/lib/x86_64-linux-gnu" "$out.new/libc"
patchelf --set-interpreter "$out/libc/ld-linux-x86-64.so.2" --set-rpath "$out/libc" "$out.new/linux.uml"
echo "$stamp" >"$out.new/.stamp"
rm -rf "$out"
mv "$out.new" "$out"
echo "uml: $stamp unpacked into $out"
