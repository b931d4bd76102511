#!/usr/bin/env bash
# Submits a patchtwin run to Slurm as a job array of N parts and a merge job that waits for
# all of them (afterok). Prints the two job ids.
#
#   deploy/slurm/submit.sh SCENARIO --parts N --runs R [--seed S] [--throttle T]
#                          [--workdir DIR] [-- more `patchtwin run` options]
#
# DIR (default ./patchtwin-slurm) must be on a file system every node sees; it gets parts/,
# logs/ and out/ (the merged outputs). --throttle T runs at most T parts at once (%T).
# PATCHTWIN names the binary (default: patchtwin on PATH). sbatch options such as
# --partition or --time go in SBATCH_* environment variables (see `man sbatch`).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
usage() { sed -n '2,12p' "$0" >&2; exit 2; }
[ $# -ge 1 ] || usage
scenario=$1; shift
parts='' runs='' seed=1 throttle='' workdir=./patchtwin-slurm
while [ $# -gt 0 ]; do
  case $1 in
    --parts) parts=$2; shift 2 ;;
    --runs) runs=$2; shift 2 ;;
    --seed) seed=$2; shift 2 ;;
    --throttle) throttle=$2; shift 2 ;;
    --workdir) workdir=$2; shift 2 ;;
    --) shift; break ;;
    *) echo "submit.sh: unknown option $1" >&2; usage ;;
  esac
done
[ -n "$parts" ] && [ -n "$runs" ] || usage
case $parts in ''|*[!0-9]*|0) echo "submit.sh: --parts must be a positive number" >&2; exit 2 ;; esac
[ -f "$scenario" ] || { echo "submit.sh: no scenario file $scenario" >&2; exit 2; }
mkdir -p "$workdir/parts" "$workdir/logs"
workdir=$(cd "$workdir" && pwd)
export PATCHTWIN=${PATCHTWIN:-patchtwin}
export PATCHTWIN_SCENARIO=$(cd "$(dirname "$scenario")" && pwd)/$(basename "$scenario")
export PATCHTWIN_RUNS=$runs PATCHTWIN_SEED=$seed
export PATCHTWIN_PARTS=$workdir/parts PATCHTWIN_OUT=$workdir/out
export PATCHTWIN_RUN_ARGS="$*"
array=1-$parts${throttle:+%$throttle}
part_job=$(sbatch --parsable --export=ALL --array="$array" --chdir="$workdir" \
  --output="$workdir/logs/part-%a.log" "$here/patchtwin-part.sbatch")
part_job=${part_job%%;*}
merge_job=$(sbatch --parsable --export=ALL --dependency="afterok:$part_job" --chdir="$workdir" \
  --output="$workdir/logs/merge.log" "$here/patchtwin-merge.sbatch")
merge_job=${merge_job%%;*}
echo "parts: job array $part_job ($parts tasks${throttle:+, at most $throttle at once})"
echo "merge: job $merge_job (after every part succeeds); outputs in $workdir/out"
