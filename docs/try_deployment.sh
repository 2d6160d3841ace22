#!/usr/bin/env bash
# Try docs/DEPLOYMENT.md end to end on one machine: nginx (https, self-signed) in front of two
# gunicorn "hosts", one PostgreSQL database, Redis for rate limits, then a backup and a restore.
# Needs: the project venv (python3 manage.py test makes it), nginx, openssl, PostgreSQL at
# 127.0.0.1:5432 (user postgres) and Redis at 127.0.0.1:6379. Everything it starts is stopped
# and its database dropped at the end.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

WORK=$(mktemp -d)
DB="mend_deploy_trial_$$"
RESTORED="${DB}_restored"
PIDS=()
cleanup() {
    for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
    [[ -f $WORK/nginx.pid ]] && kill "$(cat "$WORK/nginx.pid")" 2>/dev/null || true
    sleep 1
    psql -h 127.0.0.1 -U postgres -qc "DROP DATABASE IF EXISTS \"$DB\" WITH (FORCE)" \
        -c "DROP DATABASE IF EXISTS \"$RESTORED\" WITH (FORCE)" >/dev/null
    rm -rf "$WORK"
}
trap cleanup EXIT

# 1. The settings every host shares (DEPLOYMENT.md, "Settings").
export MEND_PRODUCTION=1
MEND_SECRET_KEY="$(python3 -c 'import secrets; print(secrets.token_hex(32))')"
export MEND_SECRET_KEY
export DATABASE_URL="postgresql://postgres@127.0.0.1:5432/$DB"
export MEND_RATELIMIT_STORAGE_URI="redis://127.0.0.1:6379/3"
export MEND_PROXY_FIX_HOPS=1
# Links in emails and the calendar come from here, never from the request's Host.
export MEND_BASE_URL="https://localhost:8443"
redis-cli -n 3 flushdb >/dev/null

# 2. Database and migrations.
psql -h 127.0.0.1 -U postgres -qc "CREATE DATABASE \"$DB\"" >/dev/null
.venv/bin/flask --app app db upgrade 2>/dev/null
echo "migrated $DB"

# 3. Two app hosts (here: two ports), each gunicorn with the project's config file.
for port in 8101 8102; do
    MEND_BIND="127.0.0.1:$port" MEND_WORKERS=2 .venv/bin/gunicorn -c gunicorn.conf.py app:app \
        >"$WORK/gunicorn-$port.log" 2>&1 &
    PIDS+=($!)
done

# 4. nginx in front: https with a self-signed certificate, both hosts upstream.
openssl req -x509 -newkey rsa:2048 -nodes -days 1 -subj "/CN=localhost" \
    -keyout "$WORK/key.pem" -out "$WORK/cert.pem" 2>/dev/null
sed -e "s#@WORK@#$WORK#g" docs/nginx-mend.conf >"$WORK/nginx.conf"
nginx -c "$WORK/nginx.conf"
for port in 8101 8102; do  # wait until both hosts answer
    for _ in $(seq 60); do curl -sf -o /dev/null "http://127.0.0.1:$port/login" && break; sleep 0.5; done
done

# 5. Use it as a browser would, through the proxy.
.venv/bin/python - <<'PY'
import http.cookiejar, re, ssl, urllib.error, urllib.parse, urllib.request

base = "https://localhost:8443"
ctx = ssl.create_default_context()
ctx.check_hostname, ctx.verify_mode = False, ssl.CERT_NONE


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args):
        return None  # show the 302 itself


def browser():
    jar = http.cookiejar.CookieJar()
    return jar, urllib.request.build_opener(urllib.request.HTTPSHandler(context=ctx), NoRedirect(),
                                            urllib.request.HTTPCookieProcessor(jar))


def call(opener, path, data=None):
    # Browsers send a same-origin Referer; over https Flask-WTF refuses a POST without one.
    request = urllib.request.Request(base + path, data=urllib.parse.urlencode(data).encode() if data else None,
                                     headers={"Referer": base + path})
    try:
        page = opener.open(request)
        return page.status, page.headers, page.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.headers, error.read().decode()


def token(html):
    found = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', html)
    assert found, html[:300]
    return found.group(1)


jar, web = browser()
status, headers, html = call(web, "/register")
form = {"csrf_token": token(html), "display_name": "Trial", "email": "trial@example.org", "role": "person",
        "timezone": "UTC", "password": "a long trial passphrase", "password_again": "a long trial passphrase"}
status, headers, html = call(web, "/register", form)
print("register:", status, "->", headers.get("Location"))
_, _, page = call(web, "/login")
status, headers, _ = call(web, "/login", {"csrf_token": token(page), "email": "trial@example.org",
                                          "password": "a long trial passphrase"})
print("login:", status, "->", headers.get("Location"))
cookie = next(c for c in jar if c.name == "mend_session")
print("cookie secure:", cookie.secure, "| httponly:", cookie.has_nonstandard_attr("HttpOnly"))
print("HSTS:", headers.get("Strict-Transport-Security"))
homes = [call(web, "/home")[0] for _ in range(6)]
print("home through both hosts:", homes)

_, other = browser()
codes = []
for _ in range(12):
    _, _, page = call(other, "/login")
    codes.append(call(other, "/login", {"csrf_token": token(page), "email": "x@example.org",
                                        "password": "not the password"})[0])
print("12 wrong logins across two hosts (shared Redis limit):", codes)

status, _, page = call(web, "/settings")
print("logout:", call(web, "/logout", {"csrf_token": token(page)})[0], "then home:", call(web, "/home")[0])
PY
for port in 8101 8102; do
    echo "host $port served $(grep -c '"GET /home"' "$WORK/gunicorn-$port.log" || true) of the /home requests"
done

# 6. Backup while running, then restore into a new database and count the accounts.
.venv/bin/flask --app app backup "$WORK/mend.dump"
psql -h 127.0.0.1 -U postgres -qc "CREATE DATABASE \"$RESTORED\"" >/dev/null
pg_restore --no-owner -h 127.0.0.1 -U postgres -d "$RESTORED" "$WORK/mend.dump"
echo "accounts in the restored copy: $(psql -h 127.0.0.1 -U postgres -d "$RESTORED" -Atc 'SELECT count(*) FROM users')"
