#!/usr/bin/env bash
# stop-cluster.sh DIR — stop the cluster that start-cluster.sh DIR started:
# cancel its jobs, SIGTERM slurmd, slurmctld, then munged by the pids in
# DIR/run (SIGKILL after 10 s), then find any process of this cluster that is
# still alive (job steps, job processes), kill it by pid the same way and
# check that none is left. DIR (logs) is kept: remove it yourself.
# Exits non-zero with one "stop-cluster:" line if something survives.
set -euo pipefail

die() { echo "stop-cluster: $*" >&2; exit 1; }
[[ $# -eq 1 ]] || die "usage: stop-cluster.sh DIR"
[[ -d $1 ]] || die "$1: no such directory"
DIR=$(cd "$1" && pwd)
export SLURM_CONF=$DIR/slurm.conf

# Is pid $1 alive (not a zombie) and running a binary named $2 or $2-wlm
# (Debian's real names: /usr/sbin/slurmd-wlm ...)? Guards against recycled pids.
is_ours() {
  local exe; exe=$(readlink "/proc/$1/exe" 2>/dev/null) || return 1
  [[ $exe == */"$2" || $exe == */"$2"-wlm ]]
}
# stop_pid PID NAME: SIGTERM, wait up to 10 s, then SIGKILL and wait 5 s.
stop_pid() {
  local pid=$1 name=$2
  [[ -n $pid ]] && is_ours "$pid" "$name" || return 0
  kill -TERM "$pid" 2>/dev/null || true
  for _ in $(seq 100); do is_ours "$pid" "$name" || return 0; sleep 0.1; done
  echo "stop-cluster: $name ($pid) ignored SIGTERM, sending SIGKILL" >&2
  kill -KILL "$pid" 2>/dev/null || true
  for _ in $(seq 50); do is_ours "$pid" "$name" || return 0; sleep 0.1; done
}
pid_of() { if [[ -f $DIR/run/$1.pid ]]; then tr -dc 0-9 <"$DIR/run/$1.pid"; fi; }

# leftovers: print "PID EXE-NAME" for every live process of this cluster: a
# munged/slurm daemon or slurmstepd naming DIR/ on its command line or having
# SLURM_CONF=DIR/slurm.conf in its environment (slurmd, and so its slurmstepds,
# inherit it from start-cluster.sh), or a job process (SLURM_JOB_ID and our
# SLURM_CONF in its environment).
leftovers() {
  local p exe env cmd conf
  for p in /proc/[0-9]*; do
    exe=$(readlink "$p/exe" 2>/dev/null) || continue        # kernel thread, zombie, gone
    env=$(tr '\0' '\n' 2>/dev/null <"$p/environ") || continue
    cmd=$(tr '\0' ' ' 2>/dev/null <"$p/cmdline") || continue
    grep -qxF "SLURM_CONF=$SLURM_CONF" <<<"$env" && conf=1 || conf=0
    case $exe in
      */munged|*/slurmctld*|*/slurmd*|*/slurmstepd*)
        [[ $cmd == *"$DIR/"* ]] || (( conf )) || continue ;;
      *) { (( conf )) && grep -q '^SLURM_JOB_ID=' <<<"$env"; } || continue ;;
    esac
    echo "${p#/proc/} ${exe##*/}"
  done
}

# 1. Cancel every job (if slurmctld is up) so job steps end with slurmd.
ctld=$(pid_of slurmctld)
if [[ -n $ctld ]] && is_ours "$ctld" slurmctld; then
  { squeue -h -o %A 2>/dev/null || true; } | sort -u | xargs -r scancel 2>/dev/null || true
  for _ in $(seq 100); do [[ -z $(squeue -h -t R,CG 2>/dev/null) ]] && break; sleep 0.1; done
fi

# 2. The daemons: compute node and controller together, munged last.
stop_pid "$(pid_of slurmd)" slurmd & stop_pid "$ctld" slurmctld & wait
stop_pid "$(pid_of munged)" munged

# 3. Anything else of ours (e.g. job steps if slurmctld had died): kill by pid.
while read -r pid name; do
  [[ -n $pid ]] && stop_pid "$pid" "$name"
done < <(leftovers)
left=$(leftovers | tr '\n' ' ')
[[ -z $left ]] || die "processes of $DIR still running (pid name): $left"
rm -f "$DIR"/run/*.pid
