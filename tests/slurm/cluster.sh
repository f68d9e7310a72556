# shellcheck shell=bash
# Shell library (source it): a private single-node Slurm cluster for tests
# and studies on one machine, run as root without systemd.
#
#   slurm_cluster_start DIR [CPUS]  start munged, slurmctld and slurmd with every
#                                   file (config, key, state, spool, logs, pid
#                                   files) under DIR; export SLURM_CONF; wait
#                                   until the node is idle. Returns 1 with a
#                                   message (and the logs) when it cannot.
#   slurm_cluster_stop DIR          cancel the cluster's jobs, then stop exactly
#                                   the daemons started in DIR, by their pid
#                                   files, and any job process left with this
#                                   cluster's SLURM_CONF (safe to call twice,
#                                   and from an EXIT trap after a failed start).
#   slurm_cluster_missing           prints what is missing to run a cluster
#                                   (not root, programs not installed); empty
#                                   when everything is there.
#   slurm_wait_job JOBID [SECONDS]  wait until a job (every task of an array)
#                                   is in a final state; 1 on timeout.
#   slurm_job_field JOBID FIELD     one field of `scontrol show job` (first task).
#
# The node advertises CPUS processors (default 4) through
# SlurmdParameters=config_overrides, so jobs may oversubscribe the real cores;
# jobs then need OMPI_MCA_mpi_yield_when_idle=1 (the job scripts set it).
# cred_expire=10 and short scheduler intervals make a requeue take ~15 s.

slurm_cluster_missing() {
  local missing=()
  [ "$(id -u)" -eq 0 ] || missing+=("root (the daemons run as root)")
  local program
  for program in munged slurmctld slurmd sbatch srun squeue scontrol sinfo scancel; do
    command -v "$program" > /dev/null 2>&1 || [ -x "/usr/sbin/$program" ] ||
      missing+=("$program")
  done
  [ "${#missing[@]}" -eq 0 ] || echo "${missing[*]}"
}

# Two distinct free TCP ports on the loopback, so clusters started side by side
# (a test and a study, or two checkouts) do not collide.
_slurm_free_ports() {
  /usr/bin/python3 - << 'EOF'
import socket
sockets = [socket.socket() for _ in range(2)]
for s in sockets:
    s.bind(("127.0.0.1", 0))
print(" ".join(str(s.getsockname()[1]) for s in sockets))
for s in sockets:
    s.close()
EOF
}

_slurm_write_conf() {
  local dir=$1 cpus=$2 node=$3 ctld_port=$4 slurmd_port=$5
  local first_job=$(((RANDOM << 15 | RANDOM) % 900000 + 1000))
  cat > "$dir/etc/slurm.conf" << EOF
# Private single-node cluster written by tests/slurm/cluster.sh.
ClusterName=gridnmf
SlurmctldHost=$node(127.0.0.1)
SlurmctldPort=$ctld_port
SlurmdPort=$slurmd_port
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
CredType=cred/munge
AuthInfo=socket=$dir/munge/run/munge.socket,cred_expire=10
StateSaveLocation=$dir/state
# Private scratch (pmix puts spmix_appdir_<uid>_<job>.<step> there) and job ids
# from a random start: clusters running side by side must not share names.
TmpFS=$dir/tmp
FirstJobId=$first_job
SlurmdSpoolDir=$dir/spool/%n
SlurmctldPidFile=$dir/run/slurmctld.pid
SlurmdPidFile=$dir/run/slurmd.pid
SlurmctldLogFile=$dir/log/slurmctld.log
SlurmdLogFile=$dir/log/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
SwitchType=switch/none
AccountingStorageType=accounting_storage/none
JobAcctGatherType=jobacct_gather/none
JobCompType=jobcomp/none
MpiDefault=pmix
MailProg=/bin/true
SchedulerParameters=bf_interval=1,sched_interval=2
SlurmdParameters=config_overrides
ReturnToService=2
JobRequeue=1
KillWait=5
InactiveLimit=0
MinJobAge=600
SlurmctldTimeout=30
SlurmdTimeout=60
NodeName=$node NodeAddr=127.0.0.1 CPUs=$cpus Sockets=1 CoresPerSocket=$cpus ThreadsPerCore=1 RealMemory=1000 State=UNKNOWN
PartitionName=debug Nodes=$node Default=YES MaxTime=INFINITE State=UP
EOF
}

_slurm_dump_logs() {
  local dir=$1 log
  for log in "$dir"/munge/log/munged.log "$dir"/log/slurmctld.log "$dir"/log/slurmd.log; do
    [ -f "$log" ] || continue
    echo "---- last lines of $log"
    tail -n 20 "$log"
  done
}

slurm_cluster_start() {
  local dir=$1 cpus=${2:-4}
  local node
  node=$(hostname -s)
  mkdir -p "$dir"/{etc,state,spool,log,run,tmp} "$dir"/munge/{etc,lib,log,run}
  chmod 0700 "$dir"/munge/{etc,lib,log}
  chmod 0755 "$dir" "$dir"/munge "$dir"/munge/run
  chmod 1777 "$dir/tmp"

  # munge: a fresh key (0400) and its own socket; nothing shared with a system munged.
  head -c 1024 /dev/urandom > "$dir/munge/etc/munge.key"
  chmod 0400 "$dir/munge/etc/munge.key"
  if ! /usr/sbin/munged --key-file="$dir/munge/etc/munge.key" \
      --socket="$dir/munge/run/munge.socket" --pid-file="$dir/munge/run/munged.pid" \
      --log-file="$dir/munge/log/munged.log" --seed-file="$dir/munge/lib/munged.seed" \
      > "$dir/log/munged.out" 2>&1; then
    echo "slurm cluster: munged did not start: $(cat "$dir/log/munged.out")"
    return 1
  fi

  local ports
  ports=$(_slurm_free_ports) || { echo "slurm cluster: no free ports"; return 1; }
  # shellcheck disable=SC2086
  _slurm_write_conf "$dir" "$cpus" "$node" $ports
  export SLURM_CONF=$dir/etc/slurm.conf

  # Both daemons fork and write their pid files; -c starts from empty state.
  if ! /usr/sbin/slurmctld -c -f "$SLURM_CONF" > "$dir/log/slurmctld.out" 2>&1; then
    echo "slurm cluster: slurmctld did not start: $(cat "$dir/log/slurmctld.out")"
    _slurm_dump_logs "$dir"
    return 1
  fi
  if ! /usr/sbin/slurmd -f "$SLURM_CONF" -N "$node" > "$dir/log/slurmd.out" 2>&1; then
    echo "slurm cluster: slurmd did not start: $(cat "$dir/log/slurmd.out")"
    _slurm_dump_logs "$dir"
    return 1
  fi

  local waited=0 state=""
  while [ "$waited" -lt 60 ]; do
    state=$(sinfo -h -N -n "$node" -o %T 2> /dev/null | head -n 1)
    [ "$state" = "idle" ] && return 0
    sleep 1
    waited=$((waited + 1))
  done
  echo "slurm cluster: node $node not idle after 60 s (state '${state}')"
  _slurm_dump_logs "$dir"
  return 1
}

# Stops the process named in PIDFILE if it is still the program PROGRAM
# (a recycled pid belonging to something else is left alone).
_slurm_stop_pidfile() {
  local pidfile=$1 program=$2 pid
  [ -f "$pidfile" ] || return 0
  pid=$(tr -dc '0-9' < "$pidfile")
  [ -n "$pid" ] || return 0
  if [ -d "/proc/$pid" ] && grep -q "$program" "/proc/$pid/cmdline" 2> /dev/null; then
    kill -TERM "$pid" 2> /dev/null || true
    local waited=0
    while [ -d "/proc/$pid" ] && [ "$waited" -lt 100 ]; do
      sleep 0.1
      waited=$((waited + 1))
    done
    [ -d "/proc/$pid" ] && kill -KILL "$pid" 2> /dev/null
  fi
  rm -f "$pidfile"
  return 0
}

# Processes of jobs that outlive the daemons (slurmstepd, batch scripts, ranks)
# carry this cluster's SLURM_CONF in their environment: end those, and only
# those, sparing the calling shell and its ancestors.
_slurm_stop_leftovers() {
  local conf=$1 ancestors=" " p=$BASHPID round environ pid pids
  while [ -n "$p" ] && [ "$p" -gt 1 ]; do
    ancestors+="$p "
    p=$(ps -o ppid= -p "$p" 2> /dev/null | tr -d ' ')
  done
  for round in TERM KILL; do
    pids=()
    for environ in /proc/[0-9]*/environ; do
      pid=${environ#/proc/}
      pid=${pid%/environ}
      [[ $ancestors == *" $pid "* ]] && continue
      grep -qzx "SLURM_CONF=$conf" "$environ" 2> /dev/null && pids+=("$pid")
    done
    [ "${#pids[@]}" -eq 0 ] && return 0
    kill -"$round" "${pids[@]}" 2> /dev/null
    sleep 2
  done
  return 0
}

slurm_cluster_stop() {
  local dir=$1 conf waited=0
  [ -d "$dir" ] || return 0
  conf=$dir/etc/slurm.conf
  # Jobs first, while slurmctld can still end them cleanly (KillWait=5).
  if [ -f "$dir/run/slurmctld.pid" ] && [ -f "$conf" ]; then
    SLURM_CONF=$conf timeout 20 scancel --user=root > /dev/null 2>&1 || true
    while [ "$waited" -lt 15 ] &&
      [ -n "$(SLURM_CONF=$conf timeout 10 squeue -h -o %A 2> /dev/null)" ]; do
      sleep 1
      waited=$((waited + 1))
    done
  fi
  _slurm_stop_pidfile "$dir/run/slurmd.pid" slurmd
  _slurm_stop_pidfile "$dir/run/slurmctld.pid" slurmctld
  _slurm_stop_pidfile "$dir/munge/run/munged.pid" munged
  _slurm_stop_leftovers "$conf"
}

slurm_wait_job() {
  local job=$1 limit=${2:-120} waited=0 states
  while [ "$waited" -lt "$limit" ]; do
    states=$(scontrol -o show job "$job" 2> /dev/null | grep -o 'JobState=[A-Z_]*' | sort -u)
    [ -n "$states" ] &&
      ! grep -qvE 'JobState=(COMPLETED|FAILED|CANCELLED|TIMEOUT|NODE_FAIL|OUT_OF_MEMORY|BOOT_FAIL|DEADLINE|PREEMPTED)$' <<< "$states" &&
      return 0
    sleep 1
    waited=$((waited + 1))
  done
  echo "slurm: job $job not finished after $limit s (${states//$'\n'/ })"
  return 1
}

slurm_job_field() {
  local job=$1 field=$2
  scontrol show job "$job" 2> /dev/null | tr ' ' '\n' | sed -n "s/^$field=//p" | head -n 1
}
