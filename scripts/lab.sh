#!/usr/bin/env bash
# Homeport test lab: two local Docker engines reachable over two local sshds, keys, users,
# an ssh-agent, a registry and a few containers/compose projects to look at.
#
#   bash scripts/lab.sh up            # idempotent; fast when everything already runs
#   bash scripts/lab.sh down          # stop what the lab started; keeps keys/host key/images
#   bash scripts/lab.sh restart-sshd  # kill the :2222 sshd and its sessions, start it again
#   bash scripts/lab.sh status
#   bash scripts/lab.sh check         # end-to-end self-check of a running lab (scripts/lab/selfcheck.sh)
#   bash scripts/lab.sh purge         # down, then delete the lab dir (new keys next time)
#
# Runs as root on Debian 12 without systemd. Only 127.0.0.1 is ever contacted.
# State lives in ${HOMEPORT_LAB_DIR:-/var/tmp/homeport-lab}; it is described in $LAB/lab.json.
set -euo pipefail

LAB="${HOMEPORT_LAB_DIR:-/var/tmp/homeport-lab}"
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
TPL="$HERE/lab"

MAIN_SOCK=/var/run/docker.sock
MAIN_PIDFILE=/var/run/docker.pid
E2="$LAB/engine2"
E2_SOCK="$E2/docker.sock"
IMAGE=homeport-lab/busybox
REGISTRY=127.0.0.1:5555
SSH_PORT=2222
SSH_NOFWD_PORT=2223
PASSPHRASE=lab-passphrase
USER_PASSWORD=lab-password
KEYS="$LAB/keys"
AK="$LAB/ssh/authorized_keys"
HOSTKEY="$LAB/ssh/ssh_host_ed25519_key"
AGENT_SOCK="$LAB/agent.sock"

# The lab always talks to its own engines explicitly; ignore whatever the caller points docker at.
unset DOCKER_HOST DOCKER_CONTEXT DOCKER_TLS_VERIFY DOCKER_CERT_PATH COMPOSE_FILE COMPOSE_PROJECT_NAME
export PATH="/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin:$PATH"

log() { echo "lab: $*"; }
die() { echo "lab: ERROR: $*" >&2; exit 1; }
# Print the end of a log file to stderr (used right before die).
tail_log() { [[ -f $1 ]] && { echo "lab: --- last lines of $1 ---" >&2; tail -n "${2:-20}" "$1" >&2; }; return 0; }

d1() { docker -H "unix://$MAIN_SOCK" "$@"; }
d2() { docker -H "unix://$E2_SOCK" "$@"; }

# Write stdin to $1 only if the content differs. Returns 0 if the file changed, 1 if not.
put() {
  local dest=$1 tmp
  tmp="$(mktemp "$dest.XXXXXX")"
  cat >"$tmp"
  if [[ -f $dest ]] && cmp -s "$tmp" "$dest"; then rm -f "$tmp"; return 1; fi
  chmod 644 "$tmp"
  mv -f "$tmp" "$dest"
}

render() { sed -e "s|@LAB@|$LAB|g" "$@"; }

# alive = exists and is not a zombie (pid 1 here can be slow to reap killed daemons)
pid_alive() {
  [[ -n ${1:-} && -d /proc/$1 ]] || return 1
  [[ "$(awk '{print $3}' "/proc/$1/stat" 2>/dev/null)" != Z ]]
}
# pidfile holds a live process whose command line mentions $2 (guards against reused pids)
pidfile_alive() {
  local pid
  pid="$(cat "$1" 2>/dev/null || true)"
  pid_alive "$pid" && tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -qF -- "$2"
}

# SIGTERM, wait up to $2 seconds (default 20), then SIGKILL.
stop_pid() {
  local pid=$1 t=$(( ${2:-20} * 10 ))
  pid_alive "$pid" || return 0
  kill "$pid" 2>/dev/null || true
  while pid_alive "$pid" && ((t-- > 0)); do sleep 0.1; done
  if pid_alive "$pid"; then kill -9 "$pid" 2>/dev/null || true; fi
}

# All descendants of a pid (children first listed after their parent).
descendants() {
  local kid
  for kid in $(pgrep -P "$1" || true); do echo "$kid"; descendants "$kid"; done
}

port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

engine_ok() { timeout 10 docker -H "unix://$1" version --format '{{.Server.Version}}' >/dev/null 2>&1; }

# Wait up to $2 seconds for engine socket $1; on failure show its log.
wait_engine() {
  local sock=$1 secs=$2 logf=$3 i
  for ((i = 0; i < secs * 2; i++)); do engine_ok "$sock" && return 0; sleep 0.5; done
  tail_log "$logf" 30
  die "docker engine on $sock did not come up within ${secs}s (log: $logf)"
}

# Start a command detached from this shell (own session, no inherited stdio) and
# record its pid in $1.
spawn() {
  local pidfile=$1 logfile=$2; shift 2
  rm -f "$pidfile" # so the wait below cannot see an old pid
  # shellcheck disable=SC2016
  # (fd 9 is the lab lock: a daemon must not keep holding it)
  setsid bash -c 'echo $$ >"$0"; exec "$@"' "$pidfile" "$@" </dev/null >>"$logfile" 2>&1 9>&- &
  local i
  for ((i = 0; i < 50; i++)); do [[ -s $pidfile ]] && return 0; sleep 0.1; done
  die "could not start $1"
}

# ---------------------------------------------------------------------------------------------
# packages

ensure_packages() {
  local missing=()
  command -v dockerd >/dev/null || missing+=(docker.io)
  command -v docker-compose >/dev/null || missing+=(docker-compose)
  [[ -x /usr/sbin/sshd ]] || missing+=(openssh-server)
  command -v ssh-keygen >/dev/null && command -v ssh-agent >/dev/null || missing+=(openssh-client)
  # the image needs a static busybox: the dynamic one would not run inside an empty rootfs
  dpkg-query -W -f='${Status}' busybox-static 2>/dev/null | grep -q 'install ok installed' ||
    missing+=(busybox-static)
  command -v docker-registry >/dev/null || missing+=(docker-registry)
  command -v curl >/dev/null || missing+=(curl)
  command -v pgrep >/dev/null || missing+=(procps)
  # monitor checks are tested against real ping, a real DNS server and a self-signed certificate
  command -v ping >/dev/null || missing+=(iputils-ping)
  [[ -x /usr/sbin/dnsmasq ]] || missing+=(dnsmasq-base)
  command -v openssl >/dev/null || missing+=(openssl)
  # login shells that are not POSIX: commands Homeport sends must reach sh unchanged through them
  [[ -x /usr/bin/fish ]] || missing+=(fish)
  [[ -x /usr/bin/tcsh ]] || missing+=(tcsh)
  # backups are made with the real restic CLI on the computer running Homeport
  command -v restic >/dev/null || missing+=(restic)
  ((${#missing[@]})) || return 0

  log "installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  # Keep package scripts from starting the system's sshd/dockerd: the lab runs its own.
  local policy=/usr/sbin/policy-rc.d own_policy=0
  if [[ ! -e $policy ]]; then
    printf '#!/bin/sh\nexit 101\n' >"$policy" && chmod 755 "$policy" && own_policy=1
  fi
  local rc=0
  { apt-get update -qq && apt-get install -y -qq --no-install-recommends "${missing[@]}"; } >"/tmp/homeport-lab-apt.log" 2>&1 || rc=$?
  ((own_policy)) && rm -f "$policy"
  if ((rc)); then tail_log /tmp/homeport-lab-apt.log 30; die "apt-get install failed"; fi
}

# ---------------------------------------------------------------------------------------------
# engines

# Before starting a dockerd: clean up after one that was SIGKILLed (e.g. at a session's end).
# - its containerd.pid may name a dead/zombie process, which dockerd then waits on forever;
# - container processes whose shim was killed live on (ppid 1, still in a /docker/<id> cgroup)
#   and keep holding host ports such as 18081. A live container's init has its shim as parent,
#   so ppid 1 + docker cgroup only matches such orphans.
cleanup_after_killed_engine() {
  local exec_root=$1 pid
  pid="$(cat "$exec_root/containerd/containerd.pid" 2>/dev/null || true)"
  if [[ -n $pid ]] && ! { pid_alive "$pid" && grep -qa containerd "/proc/$pid/cmdline"; }; then
    rm -f "$exec_root/containerd/containerd.pid"
  fi
  local p cg
  for p in $(pgrep -P 1 || true); do
    pid_alive "$p" || continue
    cg="$(grep -oE '/docker/[0-9a-f]{64}' "/proc/$p/cgroup" 2>/dev/null | head -n1 || true)"
    [[ -n $cg ]] || continue
    log "killing orphaned container processes of ${cg#/docker/}"
    # shellcheck disable=SC2013 # pids are words
    for pid in $(grep -lF "$cg" /proc/[0-9]*/cgroup 2>/dev/null | cut -d/ -f3); do
      kill -9 "$pid" 2>/dev/null || true
    done
  done
}

start_engine1() {
  mkdir -p "$LAB/engine1"
  if engine_ok "$MAIN_SOCK"; then return 0; fi
  local pid
  pid="$(cat "$MAIN_PIDFILE" 2>/dev/null || true)"
  if pid_alive "$pid" && grep -qa dockerd "/proc/$pid/cmdline"; then
    log "engine1: dockerd $pid is starting, waiting"
    return 0
  fi
  # a pid file left by a killed dockerd makes the next one refuse to start
  rm -f "$MAIN_PIDFILE"
  cleanup_after_killed_engine /var/run/docker
  log "engine1: starting dockerd (log $LAB/engine1/dockerd.log)"
  spawn "$LAB/engine1/dockerd.pid" "$LAB/engine1/dockerd.log" \
    dockerd --iptables=false --ip-masq=false --bridge=none
  # remember that the lab started it, so `down` stops it and nothing else
  cp "$LAB/engine1/dockerd.pid" "$LAB/engine1/started-by-lab"
}

start_engine2() {
  mkdir -p "$E2/data" "$E2/exec"
  if engine_ok "$E2_SOCK"; then return 0; fi
  if pidfile_alive "$E2/docker.pid" "$E2/data"; then
    log "engine2: dockerd is starting, waiting"
    return 0
  fi
  rm -f "$E2/docker.pid"
  cleanup_after_killed_engine "$E2/exec"
  # own (empty) config file: /etc/docker/daemon.json may set "hosts" and clash with -H
  [[ -f $E2/daemon.json ]] || echo '{}' >"$E2/daemon.json"
  log "engine2: starting dockerd on $E2_SOCK"
  spawn "$E2/spawn.pid" "$E2/dockerd.log" \
    dockerd --config-file "$E2/daemon.json" \
    --data-root "$E2/data" --exec-root "$E2/exec" --pidfile "$E2/docker.pid" \
    -H "unix://$E2_SOCK" --group docker \
    --iptables=false --ip-masq=false --bridge=none \
    --containerd-namespace homeport-lab2 --containerd-plugins-namespace homeport-lab2-plugins
}

# busybox-static rootfs -> homeport-lab/busybox:{latest,1.0,1.1} on engine1, copied to engine2
# with save/load so both engines have the same image id.
ensure_images() {
  local tags=("$IMAGE:latest" "$IMAGE:1.0" "$IMAGE:1.1")
  if ! d1 image inspect "${tags[@]}" >/dev/null 2>&1; then
    log "image: importing $IMAGE from busybox-static"
    local root="$LAB/image/root" bb
    bb="$(dpkg -L busybox-static | grep -E '/s?bin/busybox$' | head -n1)"
    [[ -x $bb ]] || die "busybox-static binary not found"
    rm -rf "$root"
    mkdir -p "$root"/{bin,etc,root,tmp,var/log,www,proc,sys,dev}
    chmod 1777 "$root/tmp"
    cp "$bb" "$root/bin/busybox"
    local applet
    for applet in $("$root/bin/busybox" --list); do
      [[ $applet == busybox ]] || ln -sf busybox "$root/bin/$applet"
    done
    printf 'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/nonexistent:/bin/false\n' >"$root/etc/passwd"
    printf 'root:x:0:\nnogroup:x:65534:\n' >"$root/etc/group"
    echo homeport-lab >"$root/www/index.html"
    tar -C "$root" --numeric-owner --owner=0 --group=0 -c . |
      d1 import --change 'CMD ["sh"]' --change 'ENV PATH=/bin' - "$IMAGE:latest" >/dev/null
    d1 tag "$IMAGE:latest" "$IMAGE:1.0"
    d1 tag "$IMAGE:latest" "$IMAGE:1.1"
    rm -rf "$root"
  fi
  if ! d2 image inspect "${tags[@]}" >/dev/null 2>&1; then
    log "image: copying $IMAGE to engine2"
    d1 save "${tags[@]}" | d2 load >/dev/null
  fi
}

# ---------------------------------------------------------------------------------------------
# registry

registry_ok() { curl -fsS -m 3 "http://$REGISTRY/v2/" >/dev/null 2>&1; }

start_registry() {
  mkdir -p "$LAB/registry/data"
  render "$TPL/registry.yml.in" | put "$LAB/registry/config.yml" || true
  if ! registry_ok; then
    if pidfile_alive "$LAB/registry/registry.pid" docker-registry; then
      stop_pid "$(cat "$LAB/registry/registry.pid")" 5
    fi
    port_open 5555 && die "127.0.0.1:5555 is taken by something that is not the lab registry"
    log "registry: starting on $REGISTRY"
    spawn "$LAB/registry/registry.pid" "$LAB/registry/registry.log" \
      docker-registry serve "$LAB/registry/config.yml"
    local i
    for ((i = 0; i < 40; i++)); do registry_ok && break; sleep 0.25; done
    registry_ok || { tail_log "$LAB/registry/registry.log"; die "registry did not come up on $REGISTRY"; }
  fi
  # push only when a tag is missing (storage survives `down`)
  local tags
  tags="$(curl -fsS -m 5 "http://$REGISTRY/v2/lab/busybox/tags/list" 2>/dev/null || true)"
  if [[ $tags != *'"1.0"'* || $tags != *'"1.1"'* ]]; then
    log "registry: pushing $REGISTRY/lab/busybox:1.0 and :1.1"
    local t
    for t in 1.0 1.1; do
      d1 tag "$IMAGE:$t" "$REGISTRY/lab/busybox:$t"
      d1 push "$REGISTRY/lab/busybox:$t" >>"$LAB/registry/push.log" 2>&1 ||
        { tail_log "$LAB/registry/push.log"; die "docker push $REGISTRY/lab/busybox:$t failed"; }
    done
  fi
  curl -fsS -m 5 "http://$REGISTRY/v2/_catalog" | grep -q '"lab/busybox"' ||
    die "registry catalog does not list lab/busybox"
}

# ---------------------------------------------------------------------------------------------
# keys, users, sshd, agent

# Generate a key once (kept across up/down so fingerprints stay stable).
gen_key() {
  local f=$1; shift
  [[ -s $f && -s $f.pub ]] && return 0
  rm -f "$f" "$f.pub"
  ssh-keygen -q "$@" -f "$f" </dev/null >/dev/null
}

ensure_keys() {
  mkdir -p "$KEYS" "$LAB/ssh" "$AK" "$LAB/home"
  chmod 700 "$KEYS"
  # the authorized_keys dir is read as the logging-in user, and HOME must be reachable by all
  chmod 755 "$LAB" "$LAB/ssh" "$AK" "$LAB/home"
  gen_key "$HOSTKEY" -t ed25519 -N '' -C homeport-lab-host
  gen_key "$KEYS/id_plain" -t ed25519 -N '' -C homeport-lab-plain
  gen_key "$KEYS/id_pass" -t ed25519 -N "$PASSPHRASE" -C homeport-lab-pass
  gen_key "$KEYS/id_wrong" -t ed25519 -N '' -C homeport-lab-wrong
  gen_key "$KEYS/id_rsa_pem" -t rsa -b 3072 -m PEM -N "$PASSPHRASE" -C homeport-lab-rsa-pem
}

in_group() { id -nG "$1" | tr ' ' '\n' | grep -qx "$2"; }

ensure_user() {
  local user=$1 docker=$2 shell=${3:-/bin/bash} hash
  if ! id "$user" >/dev/null 2>&1; then
    log "users: creating $user (login shell $shell)"
    useradd -m -s "$shell" "$user"
  elif [[ "$(getent passwd "$user" | cut -d: -f7)" != "$shell" ]]; then
    usermod -s "$shell" "$user"
  fi
  if [[ $docker == yes ]]; then
    in_group "$user" docker || usermod -aG docker "$user"
  else
    if in_group "$user" docker; then gpasswd -d "$user" docker >/dev/null; fi
  fi
  # With UsePAM no, sshd reads /etc/shadow itself and refuses even key logins for a
  # locked ("!") account, so the password must be set.
  hash="$(getent shadow "$user" | cut -d: -f2)"
  if [[ -z $hash || $hash == '!'* || $hash == '*'* ]]; then
    echo "$user:$USER_PASSWORD" | chpasswd
  fi
}

ensure_users() {
  getent group docker >/dev/null || groupadd --system docker
  ensure_user hpuser yes
  ensure_user hpnodock no
  ensure_user hpfish yes /usr/bin/fish
  ensure_user hptcsh yes /usr/bin/tcsh
  local hash
  hash="$(getent shadow root | cut -d: -f2)"
  [[ $hash != '!'* ]] || log "WARNING: root's password is locked ('!'); with UsePAM no sshd refuses root even by key"

  # authorized_keys/%u: root gets every authorised lab key, the users get id_plain
  cat "$KEYS/id_plain.pub" "$KEYS/id_pass.pub" "$KEYS/id_rsa_pem.pub" | put "$AK/root" || true
  local u
  for u in hpuser hpnodock hpfish hptcsh; do
    put "$AK/$u" <"$KEYS/id_plain.pub" || true
    chown "$u:" "$AK/$u"
  done
  chown root: "$AK/root"
}

sshd_conf() { echo "$LAB/ssh/sshd-$1.conf"; }
sshd_pidfile() { echo "$LAB/ssh/sshd-$1.pid"; }
sshd_alive() { pidfile_alive "$(sshd_pidfile "$1")" "$(sshd_conf "$1")"; }

# Write the config for port $1 and (re)start that sshd if it is not alive.
start_sshd() {
  local port=$1 streamlocal=$2 conf pidf logf changed=0
  conf="$(sshd_conf "$port")"
  pidf="$(sshd_pidfile "$port")"
  logf="$LAB/ssh/sshd-$port.log"
  mkdir -p /run/sshd # privilege separation dir; tmpfs, gone after a reboot
  render -e "s|@PORT@|$port|g" -e "s|@STREAMLOCAL@|$streamlocal|g" "$TPL/sshd_config.in" |
    put "$conf" && changed=1
  if sshd_alive "$port"; then
    ((changed)) || return 0
    /usr/sbin/sshd -t -f "$conf" || die "sshd config $conf is invalid"
    log "sshd:$port config changed, reloading"
    kill -HUP "$(cat "$pidf")" # sshd re-execs itself with the new config
    sleep 0.3
  else
    rm -f "$pidf"
    /usr/sbin/sshd -t -f "$conf" || die "sshd config $conf is invalid"
    port_open "$port" && die "127.0.0.1:$port is taken by something that is not the lab sshd"
    log "sshd:$port starting (streamlocal forwarding $streamlocal)"
    # sshd daemonises itself after binding; a bind failure is its exit status
    /usr/sbin/sshd -f "$conf" -E "$logf" 9>&- || { tail_log "$logf"; die "sshd on port $port failed to start"; }
  fi
  local i
  for ((i = 0; i < 50; i++)); do sshd_alive "$port" && port_open "$port" && return 0; sleep 0.1; done
  tail_log "$logf"
  die "sshd on 127.0.0.1:$port is not answering"
}

# Kill an sshd master and every process below it (open sessions, forwarded channels).
stop_sshd() {
  local port=$1 pid pids
  sshd_alive "$port" || { rm -f "$(sshd_pidfile "$port")"; return 0; }
  pid="$(cat "$(sshd_pidfile "$port")")"
  # list the tree first: once the master dies its children are reparented
  pids="$(descendants "$pid")"
  stop_pid "$pid" 5
  local p
  for p in $pids; do kill "$p" 2>/dev/null || true; done
  for p in $pids; do stop_pid "$p" 3; done
  rm -f "$(sshd_pidfile "$port")"
}

agent_ok() {
  local rc=0
  SSH_AUTH_SOCK="$AGENT_SOCK" timeout 5 ssh-add -l >/dev/null 2>&1 || rc=$?
  ((rc == 0 || rc == 1)) # 0 = has keys, 1 = empty, 2 = no agent there, 124 = agent hung
}

start_agent() {
  if ! agent_ok; then
    stop_agent # a hung agent, or a stale socket file
    log "agent: starting on $AGENT_SOCK"
    local out
    out="$(ssh-agent -s -a "$AGENT_SOCK" 9>&-)" || die "ssh-agent failed to start"
    sed -n 's/^SSH_AGENT_PID=\([0-9]*\);.*/\1/p' <<<"$out" >"$LAB/agent.pid"
    agent_ok || die "ssh-agent is not answering on $AGENT_SOCK"
  fi
  local fp
  fp="$(ssh-keygen -lf "$KEYS/id_plain.pub" | awk '{print $2}')"
  if ! SSH_AUTH_SOCK="$AGENT_SOCK" timeout 5 ssh-add -l 2>/dev/null | grep -qF "$fp"; then
    SSH_AUTH_SOCK="$AGENT_SOCK" ssh-add -q "$KEYS/id_plain" </dev/null || die "ssh-add id_plain failed"
  fi
}

stop_agent() {
  if [[ -f $LAB/agent.pid ]]; then
    local pid
    pid="$(cat "$LAB/agent.pid")"
    if pid_alive "$pid" && grep -qa ssh-agent "/proc/$pid/cmdline"; then stop_pid "$pid" 3; fi
  fi
  rm -f "$LAB/agent.pid" "$AGENT_SOCK"
}

# ---------------------------------------------------------------------------------------------
# containers

# "name state project service" for every lab container on engine $1 (socket path)
lab_ps() {
  docker -H "unix://$1" ps -a --filter label=homeport.lab=1 \
    --format '{{.Names}} {{.State}} {{.Label "com.docker.compose.project"}}/{{.Label "com.docker.compose.service"}}'
}

# compose project $2 (services $4...) on engine socket $1, file from template $3.
# `docker-compose up -d` (python, ~1 s) runs only if a service is not running or the file changed.
ensure_compose() {
  local sock=$1 project=$2 template=$3; shift 3
  local dir="$LAB/compose/$project" ps=$LAB_PS_CACHE svc need=0
  mkdir -p "$dir"
  put "$dir/docker-compose.yml" <"$TPL/compose/$template" && need=1
  for svc in "$@"; do
    grep -qE "^[^ ]+ running $project/$svc\$" <<<"$ps" || need=1
  done
  ((need)) || return 0
  log "compose: $project up"
  (cd "$dir" && DOCKER_HOST="unix://$sock" docker-compose -p "$project" up -d) \
    >>"$LAB/compose/compose.log" 2>&1 ||
    { tail_log "$LAB/compose/compose.log"; die "docker-compose -p $project up failed"; }
}

# standalone container: create with `docker run` if missing, start if stopped
ensure_container() {
  local sock=$1 name=$2; shift 2
  local state
  state="$(awk -v n="$name" '$1 == n {print $2}' <<<"$LAB_PS_CACHE")"
  case "$state" in
    running) ;;
    "")
      log "container: creating $name"
      docker -H "unix://$sock" run -d --name "$name" --label homeport.lab=1 "$@" >/dev/null ;;
    *)
      log "container: starting $name ($state)"
      docker -H "unix://$sock" start "$name" >/dev/null ;;
  esac
}

ensure_containers() {
  LAB_PS_CACHE="$(lab_ps "$MAIN_SOCK")"
  ensure_compose "$MAIN_SOCK" labweb labweb.yml web worker
  ensure_compose "$MAIN_SOCK" labapi labapi.yml api
  ensure_container "$MAIN_SOCK" lab-sleeper --network host --init "$IMAGE:latest" sleep 1000000
  # lab-stopped must exist and be exited: created once, run to completion, never restarted
  if ! awk '{print $1}' <<<"$LAB_PS_CACHE" | grep -qx lab-stopped; then
    log "container: creating lab-stopped"
    d1 create --name lab-stopped --label homeport.lab=1 --network none "$IMAGE:latest" sh -c 'echo bye' >/dev/null
    d1 start -a lab-stopped >/dev/null
  fi

  LAB_PS_CACHE="$(lab_ps "$E2_SOCK")"
  ensure_container "$E2_SOCK" lab2-sleeper --network host --init "$IMAGE:latest" sleep 1000000
  ensure_compose "$E2_SOCK" labtwo labtwo.yml echo

  # sanity: the web service answers
  local i
  for ((i = 0; i < 30; i++)); do
    [[ "$(curl -fsS -m 2 http://127.0.0.1:18081/ 2>/dev/null)" == labweb ]] && return 0
    sleep 0.2
  done
  die "labweb/web does not answer on 127.0.0.1:18081"
}

# Remove the lab's containers and compose networks on engine socket $1.
remove_lab_containers() {
  local sock=$1; shift
  engine_ok "$sock" || return 0
  local ids p
  ids="$(docker -H "unix://$sock" ps -aq --filter label=homeport.lab=1)"
  for p in "$@"; do
    ids+=" $(docker -H "unix://$sock" ps -aq --filter "label=com.docker.compose.project=$p")"
  done
  # rm -f kills at once; `docker-compose down` would wait out stop timeouts and start python
  # shellcheck disable=SC2046 # container ids are words
  [[ -z ${ids// /} ]] || docker -H "unix://$sock" rm -f $(tr ' ' '\n' <<<"$ids" | sort -u) >/dev/null
  for p in "$@"; do
    ids="$(docker -H "unix://$sock" network ls -q --filter "label=com.docker.compose.project=$p")"
    # shellcheck disable=SC2086
    [[ -z $ids ]] || docker -H "unix://$sock" network rm $ids >/dev/null
  done
}

# ---------------------------------------------------------------------------------------------
# lab.json

write_lab_json() {
  local fp pub
  fp="$(ssh-keygen -lf "$HOSTKEY.pub" | awk '{print $2}')"
  pub="$(awk '{print $1 " " $2}' "$HOSTKEY.pub")"
  put "$LAB/lab.json" <<EOF || true
{
  "dir": "$LAB",
  "engine1": { "socket": "$MAIN_SOCK" },
  "engine2": { "socket": "$E2_SOCK" },
  "ssh": { "host": "127.0.0.1", "port": $SSH_PORT, "noForwardPort": $SSH_NOFWD_PORT,
           "hostKeyFingerprint": "$fp", "hostKeyType": "ssh-ed25519", "hostPublicKey": "$pub",
           "pid2222File": "$(sshd_pidfile $SSH_PORT)", "config2222": "$(sshd_conf $SSH_PORT)" },
  "keys": { "plain": "$KEYS/id_plain", "passphrase": "$KEYS/id_pass", "rsaPem": "$KEYS/id_rsa_pem",
            "passphraseText": "$PASSPHRASE", "wrong": "$KEYS/id_wrong" },
  "users": { "root": "root", "password": { "user": "hpuser", "password": "$USER_PASSWORD" },
             "noDocker": { "user": "hpnodock", "password": "$USER_PASSWORD" },
             "fish": { "user": "hpfish", "shell": "/usr/bin/fish" }, "tcsh": { "user": "hptcsh", "shell": "/usr/bin/tcsh" } },
  "agentSock": "$AGENT_SOCK",
  "registry": "$REGISTRY",
  "image": "$IMAGE",
  "compose": { "project": "labweb", "services": ["web", "worker"], "webPort": 18081, "dir": "$LAB/compose/labweb" }
}
EOF
}

# ---------------------------------------------------------------------------------------------
# commands

cmd_up() {
  local t0=$SECONDS
  ensure_packages
  # start both engines first, then wait for both: they boot in parallel
  start_engine1
  start_engine2
  wait_engine "$MAIN_SOCK" 60 "$LAB/engine1/dockerd.log"
  wait_engine "$E2_SOCK" 60 "$E2/dockerd.log"
  [[ "$(stat -c %G "$E2_SOCK")" == docker ]] || die "$E2_SOCK is not group docker"
  log "engines: $MAIN_SOCK, $E2_SOCK"
  ensure_images
  start_registry
  ensure_keys
  ensure_users
  start_sshd "$SSH_PORT" yes
  start_sshd "$SSH_NOFWD_PORT" no
  log "sshd: 127.0.0.1:$SSH_PORT (streamlocal on), 127.0.0.1:$SSH_NOFWD_PORT (streamlocal off)"
  start_agent
  ensure_containers
  log "containers: labweb(web,worker) labapi(api) lab-sleeper lab-stopped | engine2: lab2-sleeper labtwo(echo)"
  write_lab_json
  log "up in $((SECONDS - t0))s; lab described in $LAB/lab.json"
}

cmd_down() {
  log "removing lab containers"
  remove_lab_containers "$MAIN_SOCK" labweb labapi
  remove_lab_containers "$E2_SOCK" labtwo

  if pidfile_alive "$E2/docker.pid" "$E2/data"; then
    log "engine2: stopping"
    stop_pid "$(cat "$E2/docker.pid")" 30
  fi
  [[ -f $E2/spawn.pid ]] && stop_pid "$(cat "$E2/spawn.pid")" 5
  rm -f "$E2/spawn.pid"

  local port
  for port in "$SSH_PORT" "$SSH_NOFWD_PORT"; do
    sshd_alive "$port" && log "sshd:$port stopping"
    stop_sshd "$port"
  done

  if pidfile_alive "$LAB/registry/registry.pid" docker-registry; then
    log "registry: stopping"
    stop_pid "$(cat "$LAB/registry/registry.pid")" 5
  fi
  rm -f "$LAB/registry/registry.pid"

  agent_ok && log "agent: stopping"
  stop_agent

  # the main engine only if this lab started it (and it is still that same process)
  if [[ -f $LAB/engine1/started-by-lab ]]; then
    local pid
    pid="$(cat "$LAB/engine1/started-by-lab")"
    if pid_alive "$pid" && grep -qa dockerd "/proc/$pid/cmdline"; then
      log "engine1: stopping dockerd $pid (started by the lab)"
      stop_pid "$pid" 30
    fi
    rm -f "$LAB/engine1/started-by-lab" "$LAB/engine1/dockerd.pid"
  fi
  log "down"
}

cmd_restart_sshd() {
  [[ -f $(sshd_conf "$SSH_PORT") ]] || die "lab is not set up; run: bash scripts/lab.sh up"
  log "sshd:$SSH_PORT killing master and sessions"
  stop_sshd "$SSH_PORT"
  start_sshd "$SSH_PORT" yes
  log "sshd:$SSH_PORT running as $(cat "$(sshd_pidfile "$SSH_PORT")")"
}

cmd_status() {
  local down=0
  st() { # st LABEL CHECK [ARGS...]
    local label=$1; shift
    if "$@"; then echo "lab: [up]   $label"; else echo "lab: [down] $label"; down=$((down + 1)); fi
  }
  local by="" p1 p2
  [[ -f $LAB/engine1/started-by-lab ]] && by=" (started by lab)"
  p1="$(cat "$(sshd_pidfile "$SSH_PORT")" 2>/dev/null || echo -)"
  p2="$(cat "$(sshd_pidfile "$SSH_NOFWD_PORT")" 2>/dev/null || echo -)"
  st "engine1 $MAIN_SOCK$by" engine_ok "$MAIN_SOCK"
  st "engine2 $E2_SOCK" engine_ok "$E2_SOCK"
  st "sshd 127.0.0.1:$SSH_PORT pid $p1" sshd_alive "$SSH_PORT"
  st "sshd 127.0.0.1:$SSH_NOFWD_PORT pid $p2" sshd_alive "$SSH_NOFWD_PORT"
  st "ssh-agent $AGENT_SOCK" agent_ok
  st "registry $REGISTRY" registry_ok
  local sock
  for sock in "$MAIN_SOCK" "$E2_SOCK"; do
    engine_ok "$sock" || continue
    echo "lab: containers on $sock:"
    docker -H "unix://$sock" ps -a --filter label=homeport.lab=1 --format '    {{.Names}}\t{{.State}}\t{{.Status}}'
  done
  [[ -f $LAB/lab.json ]] && echo "lab: $LAB/lab.json"
  ((down == 0))
}

cmd_purge() {
  cmd_down
  log "purging $LAB"
  # a SIGKILLed engine2 leaves mounts (data-root, netns) behind; deepest first
  local m
  # shellcheck disable=SC2013 # LAB has no spaces (checked in main)
  for m in $(awk -v p="$LAB/" 'index($2, p) == 1 {print $2}' /proc/mounts | sort -r); do
    umount "$m" 2>/dev/null || umount -l "$m" 2>/dev/null || true
  done
  rm -rf "${LAB:?}"
}

main() {
  [[ $(id -u) == 0 ]] || die "run as root"
  [[ $LAB == /* && $LAB != *[[:space:]\"\\]* ]] || die "HOMEPORT_LAB_DIR must be an absolute path without spaces, quotes or backslashes"
  # unix socket paths are limited to ~100 bytes (containerd sockets go below the exec-root)
  ((${#E2_SOCK} < 80)) || die "HOMEPORT_LAB_DIR is too long for unix socket paths: $LAB"
  mkdir -p "$LAB"
  chmod 755 "$LAB"
  # one lab command at a time (parallel test runs may all call `up`)
  exec 9>"$LAB/.lock"
  flock 9

  case "${1:-}" in
    up) cmd_up ;;
    down) cmd_down ;;
    restart-sshd) cmd_restart_sshd ;;
    status) cmd_status ;;
    purge) cmd_purge ;;
    check) exec 9>&-; HOMEPORT_LAB_DIR="$LAB" bash "$TPL/selfcheck.sh" ;;
    *) echo "usage: bash scripts/lab.sh up|down|restart-sshd|status|check|purge" >&2; exit 2 ;;
  esac
}

main "$@"
