"""Feed page throughput under gunicorn (2 workers) next to nginx serving the same bytes.

    python bench/feed_throughput.py [SECONDS]

Installs nginx and wrk from Debian if missing. Both servers run on this machine, loaded by
wrk on loopback at concurrency 8 and 64; the ratio is jobfakes / nginx.
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
import time
from pathlib import Path

import requests
from _common import ensure_debian, free_port, served, wait_for, wrk

NGINX_CONF = """
worker_processes 2;
pid {dir}/nginx.pid;
error_log {dir}/error.log;
events {{ worker_connections 1024; }}
http {{
    access_log off;
    client_body_temp_path {dir}/tmp; proxy_temp_path {dir}/tmp; fastcgi_temp_path {dir}/tmp;
    uwsgi_temp_path {dir}/tmp; scgi_temp_path {dir}/tmp;
    default_type application/json;
    server {{
        listen 127.0.0.1:{port};
        root {dir}/www;
        location / {{ try_files $uri =404; }}
    }}
}}
"""


def main() -> None:
    seconds = int(sys.argv[1]) if len(sys.argv) > 1 else 10
    ensure_debian("nginx", "wrk")
    with (
        served("--workers", "2", "--threads", "8", "--clock", "frozen", "--ads", "5000") as (
            base,
            token,
        ),
        tempfile.TemporaryDirectory() as tmp,
    ):
        auth = {"Authorization": f"Bearer {token}"}
        first = requests.get(f"{base}/api/v1/feed?pageSize=50", headers=auth, timeout=30).json()
        page_id = first["id"]
        Path(tmp).chmod(0o755)  # nginx's workers run as an unprivileged user
        www = Path(tmp, "www")
        www.mkdir(mode=0o755)
        Path(tmp, "tmp").mkdir()
        urls = {}
        for size in (50, 1000):
            url = f"{base}/api/v1/feed/{page_id}?pageSize={size}"
            body = requests.get(url, headers=auth, timeout=30).content
            Path(www, f"page{size}.json").write_bytes(body)
            urls[size] = url
        port = free_port()
        Path(tmp, "nginx.conf").write_text(NGINX_CONF.format(dir=tmp, port=port))
        subprocess.run(["nginx", "-c", f"{tmp}/nginx.conf"], check=True)
        try:
            wait_for(f"http://127.0.0.1:{port}/page50.json")
            print("| page size | concurrency | jobfakes req/s | nginx req/s | ratio |")
            print("|---:|---:|---:|---:|---:|")
            for size, url in urls.items():
                wrk(url, 64, 2, auth)  # warm up both servers (caches, connections)
                wrk(f"http://127.0.0.1:{port}/page{size}.json", 64, 2)
                for connections in (8, 64):
                    ours = wrk(url, connections, seconds, auth)
                    time.sleep(1)
                    theirs = wrk(f"http://127.0.0.1:{port}/page{size}.json", connections, seconds)
                    time.sleep(1)
                    print(
                        f"| {size} | {connections} | {ours:,.0f} | {theirs:,.0f} | "
                        f"{ours / theirs:.1%} |",
                        flush=True,
                    )
        finally:
            subprocess.run(["nginx", "-c", f"{tmp}/nginx.conf", "-s", "stop"], check=False)


if __name__ == "__main__":
    main()
