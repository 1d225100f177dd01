#!/usr/bin/env bash
# Starts PostgreSQL and Redis on 127.0.0.1 if they are not answering (for the test suite).
# Leaves running services alone. PostgreSQL must accept postgres/postgres (or trust) over TCP;
# on a machine where it does not and we are root, the postgres role's password is set to that.
set -euo pipefail

wait_for() {  # wait_for DESCRIPTION COMMAND...
  local what="$1"; shift
  for _ in $(seq 1 30); do "$@" >/dev/null 2>&1 && return 0; sleep 1; done
  echo "services: $what is still not answering after 30 s" >&2
  return 1
}

if ! pg_isready -h 127.0.0.1 -p 5432 -q; then
  echo "services: starting PostgreSQL"
  version="$(ls /etc/postgresql 2>/dev/null | sort -V | tail -n 1)"
  if [ -z "$version" ]; then
    echo "services: no PostgreSQL cluster found; install the postgresql package" >&2
    exit 1
  fi
  pg_ctlcluster --skip-systemctl-redirect "$version" main start || pg_ctlcluster "$version" main start
  wait_for "PostgreSQL" pg_isready -h 127.0.0.1 -p 5432 -q
fi

if ! PGPASSWORD=postgres psql -h 127.0.0.1 -U postgres -d postgres -Atqc "select 1" >/dev/null 2>&1; then
  if [ "$(id -u)" -eq 0 ]; then
    echo "services: setting the local postgres role's password to 'postgres' for the test suite"
    su postgres -c "psql -Atqc \"ALTER USER postgres PASSWORD 'postgres'\"" >/dev/null
  else
    echo "services: PostgreSQL refuses postgres/postgres on 127.0.0.1;" \
         "set TEST_DATABASE_URL=postgres://USER:PASSWORD@127.0.0.1:5432/savad" >&2
  fi
fi

if ! redis-cli -h 127.0.0.1 -p 6379 ping 2>/dev/null | grep -q PONG; then
  echo "services: starting Redis"
  redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save "" --appendonly no
  wait_for "Redis" sh -c 'redis-cli -h 127.0.0.1 -p 6379 ping | grep -q PONG'
fi
echo "services: PostgreSQL and Redis are answering on 127.0.0.1"
