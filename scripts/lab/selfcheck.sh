#!/usr/bin/env bash
# Checks that a running lab behaves as the tests expect (run via `bash scripts/lab.sh check`).
# Needs nothing beyond the lab's own packages: passwords and passphrases go through SSH_ASKPASS.
set -uo pipefail

LAB="${HOMEPORT_LAB_DIR:-/var/tmp/homeport-lab}"
K="$LAB/keys"
unset DOCKER_HOST DOCKER_CONTEXT SSH_AUTH_SOCK
TMP="$(mktemp -d /tmp/hp-check.XXXXXX)" # short path: unix sockets go in here
PIDS=()
cleanup() {
  local p
  for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null; done
  rm -rf "$TMP"
}
trap cleanup EXIT

pass=0 fail=0
ok() { echo "lab: check ok   - $1"; pass=$((pass + 1)); }
ko() { echo "lab: check FAIL - $1${2:+: $2}"; fail=$((fail + 1)); }
check() { # check NAME COMMAND... (passes when the command succeeds)
  local name=$1; shift
  local out
  if out="$("$@" 2>&1)"; then ok "$name"; else ko "$name" "$(tail -n 2 <<<"$out" | tr '\n' ' ')"; fi
}

# ssh without the caller's config/known_hosts; secrets come from $HP_SECRET via askpass
# shellcheck disable=SC2016 # $HP_SECRET is expanded by the askpass script
printf '#!/bin/sh\nprintf "%%s\\n" "$HP_SECRET"\n' >"$TMP/askpass"
chmod 700 "$TMP/askpass"
S=(ssh -F /dev/null -o UserKnownHostsFile=/dev/null -o StrictHostKeyChecking=no -o LogLevel=ERROR
  -o IdentitiesOnly=yes -o ConnectTimeout=10)
key() { # key PORT USER KEYFILE CMD...
  local port=$1 user=$2 k=$3; shift 3
  "${S[@]}" -o BatchMode=yes -i "$k" -p "$port" "$user@127.0.0.1" "$@" </dev/null
}
secret() { # secret SECRET PORT USER OPTION VALUE CMD...   (OPTION VALUE: -i KEY or -o ...)
  local sec=$1 port=$2 user=$3 opt=$4 val=$5; shift 5
  HP_SECRET="$sec" SSH_ASKPASS="$TMP/askpass" SSH_ASKPASS_REQUIRE=force DISPLAY=none \
    "${S[@]}" -o NumberOfPasswordPrompts=1 "$opt" "$val" -p "$port" "$user@127.0.0.1" "$@" </dev/null
}
has() { grep -q -- "$1"; }

# --- keys and auth
root_docker_ps() { key 2222 root "$K/id_plain" docker ps --format '{{.Names}}' | grep -qx labweb_web_1; }
via_agent() { # no IdentitiesOnly here (ssh keeps the first value it sees for an option)
  SSH_AUTH_SOCK="$LAB/agent.sock" ssh -F /dev/null -o UserKnownHostsFile=/dev/null -o StrictHostKeyChecking=no \
    -o LogLevel=ERROR -o BatchMode=yes -p 2222 root@127.0.0.1 true </dev/null
}
wrong_refused() { ! key 2222 root "$K/id_wrong" true; }
hpuser_password() { secret lab-password 2222 hpuser -o PubkeyAuthentication=no docker ps -q; }
hpuser_bad_password() { ! secret nope 2222 hpuser -o PubkeyAuthentication=no true; }
hpnodock_denied() {
  local out # ssh exits non-zero here, so no pipe (pipefail)
  out="$(secret lab-password 2222 hpnodock -o PubkeyAuthentication=no docker ps 2>&1)"
  has 'permission denied' <<<"$out"
}
# shellcheck disable=SC2016 # $HOME is the remote one
lab_home() { [[ "$(key 2222 root "$K/id_plain" 'echo $HOME')" == "$LAB/home" ]]; }

check "root + id_plain runs docker ps" root_docker_ps
check "root via agent" via_agent
check "root + id_pass (passphrase)" secret lab-passphrase 2222 root -i "$K/id_pass" true
check "root + id_rsa_pem (PEM, passphrase)" secret lab-passphrase 2222 root -i "$K/id_rsa_pem" true
check "id_pass decrypts with lab-passphrase" ssh-keygen -y -P lab-passphrase -f "$K/id_pass"
check "id_rsa_pem is PEM" grep -q 'BEGIN RSA PRIVATE KEY' "$K/id_rsa_pem"
check "id_wrong is refused" wrong_refused
check "hpuser password login + docker ps" hpuser_password
check "hpuser wrong password is refused" hpuser_bad_password
check "hpnodock: docker ps -> permission denied" hpnodock_denied
check "hpuser + id_plain" key 2222 hpuser "$K/id_plain" true
check "HOME is the empty lab home" lab_home

# --- host key matches lab.json
fp="$(ssh-keyscan -t ed25519 -p 2222 127.0.0.1 2>/dev/null | ssh-keygen -lf - | awk '{print $2}')"
if [[ -n $fp ]] && grep -qF "\"$fp\"" "$LAB/lab.json"; then ok "host key fingerprint = lab.json"; else ko "host key fingerprint = lab.json" "$fp"; fi

# --- streamlocal forwarding: allowed on 2222, refused on 2223
for port in 2222 2223; do
  sock="$TMP/fwd-$port.sock"
  "${S[@]}" -o BatchMode=yes -i "$K/id_plain" -N -L "$sock:/var/run/docker.sock" -p "$port" root@127.0.0.1 \
    </dev/null >/dev/null 2>"$TMP/fwd-$port.err" &
  PIDS+=($!)
  for _ in $(seq 50); do [[ -S $sock ]] && break; sleep 0.1; done
  if timeout 10 docker -H "unix://$sock" version --format '{{.Server.Version}}' >/dev/null 2>&1; then r=works; else r=refused; fi
  want=works; [[ $port == 2223 ]] && want=refused
  if [[ $r == "$want" ]]; then ok "streamlocal forward on $port $want"; else ko "streamlocal forward on $port $want" "$r"; fi
done

# --- docker over ssh:// (dial-stdio), also on the no-forwarding port
mkdir -p "$TMP/bin"
# (the wrapper is itself named ssh: it must exec the real one by absolute path)
printf '#!/bin/sh\nexec %s %s -o BatchMode=yes -i %s "$@"\n' "$(command -v ssh)" "$(printf '%q ' "${S[@]:1}")" "$K/id_plain" >"$TMP/bin/ssh"
chmod 755 "$TMP/bin/ssh"
for port in 2222 2223; do
  check "docker -H ssh://root@127.0.0.1:$port (dial-stdio)" \
    env PATH="$TMP/bin:$PATH" timeout 30 docker -H "ssh://root@127.0.0.1:$port" ps -q
done

# --- engines, containers, web, registry
e2_runs() { docker -H "unix://$LAB/engine2/docker.sock" ps --format '{{.Names}}' | grep -qx "$1"; }
stopped() { [[ "$(docker -H unix:///var/run/docker.sock inspect -f '{{.State.Status}}' lab-stopped)" == exited ]]; }
web() { [[ "$(curl -fsS -m 5 http://127.0.0.1:18081/)" == labweb ]]; }
tags() { local t; t="$(curl -fsS -m 5 http://127.0.0.1:5555/v2/lab/busybox/tags/list)" && has '"1.0"' <<<"$t" && has '"1.1"' <<<"$t"; }

check "engine2 runs lab2-sleeper" e2_runs lab2-sleeper
check "engine2 runs labtwo_echo_1" e2_runs labtwo_echo_1
check "engine2 socket is group docker" test "$(stat -c %G "$LAB/engine2/docker.sock")" = docker
check "lab-stopped exists and is exited" stopped
check "labweb answers on 127.0.0.1:18081" web
check "registry has lab/busybox 1.0 and 1.1" tags

echo "lab: check: $pass passed, $fail failed"
((fail == 0))
