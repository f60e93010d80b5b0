#!/usr/bin/env bash
# Start MariaDB (127.0.0.1:3306) and Redis (127.0.0.1:6379) when they are installed but not answering,
# as the machine's own boot would, and wait until they answer. Only as root: on a developer's desktop the
# services are theirs to start. Exit 0 when both answer, 1 otherwise (the caller decides what that means).
set -uo pipefail

answers() {  # port
  timeout 2 bash -c "exec 3<>/dev/tcp/127.0.0.1/$1" 2>/dev/null
}

started=no

start_mariadb() {
  [ -x /usr/sbin/mariadbd ] || return 0
  echo "MariaDB 未响应，正在启动……" >&2
  if command -v start-stop-daemon >/dev/null; then
    start-stop-daemon --start --oknodo --background --exec /usr/sbin/mariadbd
  else
    (/usr/sbin/mariadbd >/dev/null 2>&1 &)
  fi
  started=yes
}

start_redis() {
  command -v redis-server >/dev/null || return 0
  echo "Redis 未响应，正在启动……" >&2
  mkdir -p /var/lib/redis /var/log/redis
  redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save "" --appendonly no \
    --dir /var/lib/redis --logfile /var/log/redis/ci.log >/dev/null
  started=yes
}

answers 3306 && answers 6379 && exit 0
[ "$(id -u)" -eq 0 ] || exit 1
answers 3306 || start_mariadb
answers 6379 || start_redis
[ "$started" = yes ] || exit 1

# MariaDB recovers its tables after a crash before it listens: give it up to a minute.
for _ in $(seq 60); do
  answers 3306 && answers 6379 && exit 0
  sleep 1
done
exit 1
