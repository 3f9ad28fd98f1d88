// The small shell program that starts every workload: it joins the workload's cgroups and sets its
// CPU affinity on itself (so the workload is limited from its first instruction), then either
// becomes the workload (exec) or stays as the group leader that records its exit code in a file,
// which outlives a restart of the server.

const SCRIPT = [
  'x=$1; shift',
  'while [ "$#" -gt 0 ] && [ "$1" != -- ]; do',
  '  case $1 in',
  '    cg=*) echo $$ > "${1#cg=}" || { echo "atelier: cannot enter cgroup ${1#cg=}" >&2; [ -n "$x" ] && printf 125 > "$x"; exit 125; } ;;',
  '    affinity=*) a=${1#affinity=}; "${a#*@}" -p -c "${a%%@*}" $$ > /dev/null || { echo "atelier: cannot set the CPU affinity" >&2; [ -n "$x" ] && printf 125 > "$x"; exit 125; } ;;',
  '  esac',
  '  shift',
  'done',
  'shift',
  '[ -z "$x" ] && exec "$@"',
  '"$@"; c=$?; printf "%s" "$c" > "$x"; exit $c',
].join('\n');

/**
 * The argv that runs `command` after `steps` (ResourceGroup.joinSteps). With `exitFile`, the shell
 * stays and writes the exit code there; without, it execs the command.
 */
export function wrapperArgv(command: readonly string[], steps: readonly string[], exitFile?: string): string[] {
  return ['/bin/sh', '-c', SCRIPT, 'atelier-workload', exitFile ?? '', ...steps, '--', ...command];
}
