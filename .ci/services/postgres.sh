# Start a throw-away PostgreSQL server on 127.0.0.1 for the ledger tests and export
# CUOMIN_TEST_PG_URL. Sourced by .ci/run (which runs with `set -euo pipefail`); also
# usable by hand: `. .ci/services/postgres.sh`. Idempotent: a second run finds the server
# running and only exports the URL. Installs nothing: .ci/apt-packages.txt lists postgresql.

_cuomin_pg_start() {
  local port="${CUOMIN_PG_PORT:-54329}"
  local data="${CUOMIN_PG_DATA:-/tmp/cuomin-pg/data}"
  local log="${data%/*}/server.log"
  local bin
  bin="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)"
  if [ -z "$bin" ] || [ ! -x "$bin/pg_ctl" ]; then
    echo "postgres.sh: PostgreSQL is not installed (apt-get install postgresql); ledger tests on PostgreSQL will be skipped" >&2
    return 0
  fi

  # The server refuses to run as root: run it as the postgres user (made by the Debian
  # package), or as whoever we are when not root.
  local -a as=()
  local owner
  owner="$(id -un)"
  if [ "$(id -u)" = "0" ]; then
    owner=postgres
    if ! id -u "$owner" >/dev/null 2>&1; then
      useradd --system --no-create-home --shell /usr/sbin/nologin "$owner"
    fi
    if command -v runuser >/dev/null 2>&1; then
      as=(runuser -u "$owner" --)
    else
      as=(su -s /bin/sh "$owner" -c)
    fi
  fi
  _cuomin_pg_as() {
    if [ "${#as[@]}" -eq 0 ]; then "$@"
    elif [ "${as[0]}" = su ]; then "${as[@]}" "$(printf '%q ' "$@")"
    else "${as[@]}" "$@"
    fi
  }

  mkdir -p "${data%/*}"
  chown "$owner" "${data%/*}" 2>/dev/null || true
  if [ ! -s "$data/PG_VERSION" ]; then
    rm -rf "$data"
    _cuomin_pg_as "$bin/initdb" -D "$data" -U postgres --auth=trust -E UTF8 --locale=C >/dev/null
  fi
  if ! _cuomin_pg_as "$bin/pg_ctl" -D "$data" status >/dev/null 2>&1; then
    _cuomin_pg_as "$bin/pg_ctl" -D "$data" -l "$log" -w -t 60 \
      -o "-p $port -c listen_addresses=127.0.0.1 -k ${data%/*} -c fsync=off -c max_connections=50" \
      start >/dev/null
  fi
  local tries=0
  until "$bin/pg_isready" -q -h 127.0.0.1 -p "$port"; do
    tries=$((tries + 1))
    if [ "$tries" -gt 60 ]; then
      echo "postgres.sh: the server did not come up; see $log" >&2
      return 1
    fi
    sleep 0.5
  done
  if [ -z "$("$bin/psql" -h 127.0.0.1 -p "$port" -U postgres -Atc "SELECT 1 FROM pg_database WHERE datname = 'cuomin_test'")" ]; then
    "$bin/psql" -h 127.0.0.1 -p "$port" -U postgres -qc "CREATE DATABASE cuomin_test" >/dev/null
  fi
  export CUOMIN_TEST_PG_URL="postgresql://postgres@127.0.0.1:$port/cuomin_test"
  echo "postgres.sh: PostgreSQL on 127.0.0.1:$port ($CUOMIN_TEST_PG_URL)" >&2
}

_cuomin_pg_start
unset -f _cuomin_pg_start _cuomin_pg_as 2>/dev/null || true
