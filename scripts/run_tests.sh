#!/usr/bin/env bash
# The whole suite: against MariaDB and Redis when they answer (always in CI),
# then the data-layer tests again on the embedded SQLite database.
set -uo pipefail
cd "$(dirname "$0")/.."
PY=.venv/bin/python

# MariaDB and Redis: started here when installed but stopped (say after a crash), then waited for.
services=yes
bash scripts/ensure_services.sh || services=no

# Static checks first, in seconds: the layers (import-linter, [tool.importlinter] in pyproject.toml) and
# the code style (ruff, [tool.ruff]). A broken contract or a lint error fails the run before any test.
static_checks() {
  echo "== 检查：分层（import-linter）与代码风格（ruff）"
  .venv/bin/lint-imports || return 1
  .venv/bin/ruff check apps tests bench sites scripts manage.py || return 1
  .venv/bin/ruff format --check apps tests bench sites scripts manage.py || return 1
}

if ! static_checks; then
  echo "分层或代码风格检查未通过（见上），未运行测试。" >&2
  exit 1
fi

# One worker per core (pytest-xdist); each has its own test database and Redis db (sites/site_config.py).
# A file's tests stay on one worker, so module fixtures (a browser, a live server) start once.
parallel=(-n "${TEST_WORKERS:-auto}" --dist loadfile)

status=0
if [ "$services" = yes ]; then
  echo "== 测试：MariaDB (127.0.0.1:3306) + Redis (127.0.0.1:6379)"
  SITE=test $PY -m pytest "${parallel[@]}" "$@" || status=$?
elif [ "${CI:-}" = "true" ]; then
  echo "CI 环境必须能连接 MariaDB (127.0.0.1:3306) 和 Redis (127.0.0.1:6379)，但连接失败。" >&2
  exit 1
else
  echo "!! 未检测到 MariaDB/Redis：本次只在 SQLite 上运行，不运行依赖 Redis 或 MariaDB 的测试（-m 'not redis and not mariadb'）。" >&2
  SITE=default $PY -m pytest "${parallel[@]}" -m "not redis and not mariadb" "$@" || status=$?
  exit $status
fi

echo "== 测试：SQLite（嵌入式数据库，数据层测试）"
SITE=default $PY -m pytest "${parallel[@]}" -m both_databases -p no:cacheprovider "$@" || status=$?
exit $status
