#!/bin/sh
# Writes DIR/cleval, a wrapper that runs BINARY under valgrind (memcheck,
# every leak kind that is a real leak, exit status 99 on any error), so
# that tests/cli/run.sh can run the end-to-end cases through it: a case
# whose command meets a memory error or a leak fails on its exit status.
# Usage: tools/valgrind-cleval.sh BINARY DIR
set -eu
bin=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
mkdir -p "$2"
cat >"$2/cleval" <<SH
#!/bin/sh
exec valgrind -q --error-exitcode=99 --leak-check=full --show-leak-kinds=definite,indirect \
  --errors-for-leak-kinds=definite,indirect --track-fds=no "$bin" "\$@"
SH
chmod +x "$2/cleval"
