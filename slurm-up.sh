#!/usr/bin/env bash
# Starts a one-node Slurm cluster under $1 (state, spool, logs, munge), as root.
set -euo pipefail
D=$(realpath "$1"); mkdir -p "$D"/{state,spool,log,munge}
chmod 700 "$D/munge"
dd if=/dev/urandom of="$D/munge/munge.key" bs=1024 count=1 status=none
chmod 400 "$D/munge/munge.key"
munged -f --key-file="$D/munge/munge.key" --socket="$D/munge/munge.sock" \
  --pid-file="$D/munge/munged.pid" --log-file="$D/log/munged.log" --seed-file="$D/munge/seed"
H=$(hostname -s)
CPUS=$(nproc)
cat > "$D/slurm.conf" <<CONF
ClusterName=patchtwin-test
SlurmctldHost=$H
SlurmUser=root
AuthType=auth/munge
AuthInfo=socket=$D/munge/munge.sock
CredType=cred/munge
SlurmctldPort=16817
SlurmdPort=16818
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
NodeName=$H CPUs=$CPUS State=UNKNOWN
PartitionName=main Nodes=$H Default=YES MaxTime=INFINITE State=UP
CONF
export SLURM_CONF="$D/slurm.conf"
slurmctld -f "$SLURM_CONF"
slurmd -f "$SLURM_CONF"
for i in $(seq 1 50); do
  if sinfo -h -o %T 2>/dev/null | grep -qE '^(idle|mixed)'; then echo "up after $i"; exit 0; fi
  sleep 0.2
done
echo "slurm did not come up"; sinfo; tail -20 "$D/log/slurmctld.log" "$D/log/slurmd.log"; exit 1
