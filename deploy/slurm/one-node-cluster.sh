#!/usr/bin/env bash
# Starts a throw-away one-node Slurm cluster for trying the job array (and for the test
# crates/patchtwin-cli/tests/cli/slurm.rs): munged with a private key and socket, slurmctld
# and slurmd as root, state, spool and logs under DIR. Needs Debian's slurm-wlm and munge.
#
#   deploy/slurm/one-node-cluster.sh DIR [SLURMCTLD_PORT [SLURMD_PORT]]
#   export SLURM_CONF=DIR/slurm.conf     # for sbatch, squeue, sinfo
#   stop: kill "$(cat DIR/slurmd.pid)" "$(cat DIR/slurmctld.pid)" "$(cat DIR/munge/munged.pid)"
#
# Ports default to 16817/16818 (not Slurm's 6817/6818, so a real installation is left alone).
set -euo pipefail
[ $# -ge 1 ] || { sed -n '2,10p' "$0" >&2; exit 2; }
D=$(realpath -m "$1"); CTLD_PORT=${2:-16817}; SLURMD_PORT=${3:-16818}
mkdir -p "$D"/{state,spool,log,munge}
chmod 700 "$D/munge"
dd if=/dev/urandom of="$D/munge/munge.key" bs=1024 count=1 status=none
chmod 400 "$D/munge/munge.key"
munged --key-file="$D/munge/munge.key" --socket="$D/munge/munge.sock" \
  --pid-file="$D/munge/munged.pid" --log-file="$D/log/munged.log" --seed-file="$D/munge/seed" -f
H=$(hostname -s)
CPUS=$(nproc)
cat > "$D/slurm.conf" <<CONF
ClusterName=patchtwin-test
SlurmctldHost=$H
SlurmUser=root
AuthType=auth/munge
AuthInfo=socket=$D/munge/munge.sock
CredType=cred/munge
SlurmctldPort=$CTLD_PORT
SlurmdPort=$SLURMD_PORT
StateSaveLocation=$D/state
SlurmdSpoolDir=$D/spool
SlurmctldPidFile=$D/slurmctld.pid
SlurmdPidFile=$D/slurmd.pid
SlurmctldLogFile=$D/log/slurmctld.log
SlurmdLogFile=$D/log/slurmd.log
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobCompType=jobcomp/none
MpiDefault=none
ReturnToService=2
SchedulerType=sched/backfill
MaxArraySize=1001
NodeName=$H CPUs=$CPUS State=UNKNOWN
PartitionName=main Nodes=$H Default=YES MaxTime=INFINITE State=UP
CONF
export SLURM_CONF="$D/slurm.conf"
slurmctld -f "$SLURM_CONF"
slurmd -f "$SLURM_CONF"
for i in $(seq 1 100); do
  if sinfo -h -o %T 2>/dev/null | grep -qE '^(idle|mixed)'; then echo "slurm up after $i tries"; exit 0; fi
  sleep 0.2
done
echo "slurm did not come up" >&2; sinfo >&2 || true
tail -20 "$D/log/slurmctld.log" "$D/log/slurmd.log" >&2 || true
exit 1
