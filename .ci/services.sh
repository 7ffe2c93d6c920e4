#!/usr/bin/env bash
# PostgreSQL (127.0.0.1:5432, trust auth, user postgres) and Redis (127.0.0.1:6379) for the shared-state
# tests (test/helpers/engines.ts). Quick when both already answer; installs them from Debian's packages
# when missing (CI runs as root, no stdin), then starts what is not running. Idempotent.
set -euo pipefail

pg_up() { pg_isready -q -h 127.0.0.1 -p 5432 2>/dev/null; }
redis_up() { [ "$(redis-cli -h 127.0.0.1 -p 6379 ping 2>/dev/null)" = PONG ]; }

if pg_up && redis_up; then
  echo "services: PostgreSQL and Redis already running"
  exit 0
fi

missing=()
command -v pg_ctlcluster >/dev/null 2>&1 || missing+=(postgresql)
command -v redis-server >/dev/null 2>&1 || missing+=(redis-server)
if [ ${#missing[@]} -gt 0 ]; then
  echo "services: installing ${missing[*]}"
  apt-get update -qq
  # policy-rc.d-less containers try to start the services themselves; that may fail harmlessly.
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null || true
  command -v pg_ctlcluster >/dev/null 2>&1 && command -v redis-server >/dev/null 2>&1 || {
    echo "services: could not install ${missing[*]}" >&2
    exit 1
  }
fi

if ! pg_up; then
  version=$(ls /etc/postgresql 2>/dev/null | sort -V | tail -1 || true)
  if [ -z "$version" ]; then
    version=$(ls /usr/lib/postgresql 2>/dev/null | sort -V | tail -1 || true)
    pg_createcluster "$version" main >/dev/null
  fi
  hba="/etc/postgresql/$version/main/pg_hba.conf"
  # The tests connect as postgres without a password, over the socket and over 127.0.0.1.
  if ! grep -q '^host all all 127.0.0.1/32 trust' "$hba"; then
    cp "$hba" "$hba.orig"
    printf 'local all all trust\nhost all all 127.0.0.1/32 trust\nhost all all ::1/128 trust\n' >"$hba"
  fi
  pg_ctlcluster --skip-systemctl-redirect "$version" main restart >/dev/null 2>&1 ||
    pg_ctlcluster --skip-systemctl-redirect "$version" main start
fi

if ! redis_up; then
  mkdir -p /var/lib/redis /var/log/redis
  redis-server --daemonize yes --bind 127.0.0.1 -::1 --port 6379 --save "" --appendonly no \
    --dir /var/lib/redis --logfile /var/log/redis/ci.log
fi

for _ in $(seq 1 50); do
  if pg_up && redis_up; then
    echo "services: PostgreSQL and Redis running"
    exit 0
  fi
  sleep 0.2
done
pg_up || echo "services: PostgreSQL does not answer on 127.0.0.1:5432" >&2
redis_up || echo "services: Redis does not answer on 127.0.0.1:6379" >&2
exit 1
