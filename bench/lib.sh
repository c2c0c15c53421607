# Sourced by the bench scripts: a private temporary folder, stand-in
# competitions for a mirror (tests/fixtures/fake-stage reads their BEHAVIOR
# file) and a free port on loopback.

bench_tmp() {  # NAME -> path of a new folder under /tmp, readable by the sandbox user
  local t
  t=$(mktemp -d "/tmp/kagent-$1.XXXXXX")
  chmod 755 "$t"
  echo "$t"
}

stub_competition() {  # MIRROR SLUG [BEHAVIOR LINE...]
  local mirror=$1 slug=$2
  shift 2
  mkdir -p "$mirror/$slug/public"
  echo "https://www.kaggle.com/competitions/$slug" > "$mirror/$slug/description.md"
  if [ $# -gt 0 ]; then printf '%s\n' "$@" > "$mirror/$slug/public/BEHAVIOR"; fi
}

free_port() {
  /usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}
