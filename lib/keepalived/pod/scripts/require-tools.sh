# shellcheck shell=sh
#: The first step of the start command and of the host preparation. required-tools.ts fills in @@WHO@@ (the
#: script's name in its messages) and @@TOOLS@@ (the programs it runs) and drops this header (the `#:` and
#: `# shellcheck` lines, and one empty line). Deliberate: a loop over what looks like one word to shellcheck.
# shellcheck disable=SC2043

# An image without one of these fails later, some of them silently (a change detection piped into a missing
# program sees no change, ever): name every missing one now, in one message.
missing=
for tool in @@TOOLS@@; do
  command -v "$tool" >/dev/null 2>&1 || missing="$missing $tool"
done
if [ -n "$missing" ]; then
  echo "@@WHO@@: this image lacks${missing} (not found in PATH=${PATH-}); the script needs @@TOOLS@@" >&2
  exit 1
fi
