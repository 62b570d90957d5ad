#!/usr/bin/env bash
# Makes sure a MariaDB server answers on 127.0.0.1:3306 for root without a
# password: installs Debian's mariadb-server when missing, starts it when
# stopped, and waits until it accepts connections.
set -euo pipefail

ping_db() { mariadb -h127.0.0.1 -uroot -e 'SELECT 1' >/dev/null 2>&1; }

if ping_db; then exit 0; fi
if ! command -v mariadbd >/dev/null 2>&1 && [ ! -x /usr/sbin/mariadbd ]; then
  echo "ensure-mariadb: installing mariadb-server" >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq && apt-get install -y -qq mariadb-server >/dev/null
fi
if ! ping_db; then
  echo "ensure-mariadb: starting mariadbd" >&2
  mkdir -p /run/mysqld && chown mysql:mysql /run/mysqld 2>/dev/null || true
  start-stop-daemon --start --oknodo --background --exec /usr/sbin/mariadbd -- --user=mysql
fi
for _ in $(seq 1 60); do
  if ping_db; then
    # Tests create throwaway databases as root over TCP without a password.
    mariadb -h127.0.0.1 -uroot -e "CREATE DATABASE IF NOT EXISTS test" >/dev/null
    exit 0
  fi
  sleep 1
done
echo "ensure-mariadb: MariaDB did not come up on 127.0.0.1:3306" >&2
exit 1
