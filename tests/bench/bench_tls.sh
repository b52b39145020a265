#!/usr/bin/env bash
# TLS handshake cost: full handshakes a second against laces-server's own TLS
# (--tls-cert/--tls-key, QSslSocket on OpenSSL) and, in the same run on the same EC P-256
# certificate, against nginx terminating TLS (the shipped set-up's front end). The client
# is `openssl s_time -new` (a new session each time, no resumption), one process per run,
# for the same number of seconds.
# Run: tests/bench/bench_tls.sh build/server/laces-server [seconds, default 10]
set -euo pipefail
server=${1:?usage: bench_tls.sh LACES_SERVER_BINARY [seconds]}
seconds=${2:-10}
work=$(mktemp -d /tmp/laces-bench-tls-XXXXXX)
chmod 711 "$work"
cleanup() {
    [ -n "${laces_pid:-}" ] && kill "$laces_pid" 2>/dev/null && wait "$laces_pid" 2>/dev/null || true
    [ -n "${nginx_pid:-}" ] && kill "$nginx_pid" 2>/dev/null && wait "$nginx_pid" 2>/dev/null || true
    rm -rf "$work"
}
trap cleanup EXIT
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 2 -subj /CN=127.0.0.1 \
    -keyout "$work/server.key" -out "$work/server.crt" 2>/dev/null

laces_port=$(free_port)
"$server" --data-dir "$work/data" --port "$laces_port" --tls-cert "$work/server.crt" --tls-key "$work/server.key" \
    --access-log off --agent-interval-s 0 >"$work/laces.log" 2>&1 &
laces_pid=$!
for _ in $(seq 120); do curl -skf "https://127.0.0.1:$laces_port/health" >/dev/null && break; sleep 0.5; done

nginx_port=$(free_port)
mkdir -p "$work/nginx"
user=""; [ "$(id -u)" -eq 0 ] && user="user root;"
cat >"$work/nginx/nginx.conf" <<CONF
daemon off; worker_processes 1; pid $work/nginx/nginx.pid; error_log $work/nginx/error.log warn; $user
events { worker_connections 1024; }
http {
    access_log off;
    client_body_temp_path $work/nginx/body; proxy_temp_path $work/nginx/proxy;
    fastcgi_temp_path $work/nginx/fastcgi; uwsgi_temp_path $work/nginx/uwsgi; scgi_temp_path $work/nginx/scgi;
    server {
        listen 127.0.0.1:$nginx_port ssl;
        ssl_certificate $work/server.crt; ssl_certificate_key $work/server.key;
        ssl_protocols TLSv1.2 TLSv1.3;
        location / { return 200 "ok"; }
    }
}
CONF
/usr/sbin/nginx -p "$work/nginx" -c "$work/nginx/nginx.conf" -e "$work/nginx/error.log" &
nginx_pid=$!
for _ in $(seq 50); do curl -skf "https://127.0.0.1:$nginx_port/" >/dev/null && break; sleep 0.2; done

rate() {
    # "N connections in T real seconds" -> N / T
    openssl s_time -connect "127.0.0.1:$1" -new -time "$seconds" 2>/dev/null \
        | awk '/connections in .* real seconds/ { printf "%.0f", $1 / $4; exit }'
}
protocol=$(echo | openssl s_client -connect "127.0.0.1:$laces_port" 2>/dev/null | awk '/^New,/ { print $2 }' | tr -d ,)
laces=$(rate "$laces_port")
nginx=$(rate "$nginx_port")
laces2=$(rate "$laces_port")
nginx2=$(rate "$nginx_port")
echo "TLS full handshakes/s ($protocol, EC P-256, openssl s_time -new, ${seconds} s each, two rounds):"
echo "  laces-server: $laces, $laces2"
echo "  nginx:        $nginx, $nginx2   (baseline, same certificate, same client)"
python3 -c "print(f'  ratio laces-server / nginx: {($laces + $laces2) / ($nginx + $nginx2):.2f}')"
