#!/usr/bin/env bash
# Makes the TLS material for kagent's cluster port: a cluster CA and one certificate
# per node, signed by it. Every node trusts only this CA (mutual TLS).
set -euo pipefail

usage() {
  cat <<'USAGE'
usage: scripts/cluster-certs.sh OUT_DIR [NAME...]

Writes into OUT_DIR (created if missing):
  ca.pem, ca.key       the cluster CA (reused if both already exist in OUT_DIR)
  NAME.pem, NAME.key   for each NAME (default: head worker), a certificate signed by
                       the CA with subjectAltName DNS:NAME, DNS:localhost, IP:127.0.0.1
Keys are EC P-256 and chmod 600; certificates are valid for 825 days (CA: 3650).
An existing NAME.pem/NAME.key is replaced. Give each node its NAME.pem, NAME.key and
ca.pem (--cluster-cert, --cluster-key, --cluster-ca); keep ca.key off the nodes.
Needs the openssl command-line tool.
USAGE
}

case "${1:-}" in
  -h|--help) usage; exit 0 ;;
  ""|-*) usage >&2; exit 2 ;;
esac
out=$1; shift
names=("$@")
[ ${#names[@]} -gt 0 ] || names=(head worker)
for n in "${names[@]}"; do
  # The name becomes a file name and a DNS SAN: keep it to a host-name alphabet.
  [[ $n =~ ^[A-Za-z0-9][A-Za-z0-9.-]*$ ]] || { echo "invalid NAME: $n" >&2; exit 2; }
  [ "$n" != ca ] || { echo "NAME may not be 'ca'" >&2; exit 2; }
done
command -v openssl >/dev/null || { echo "openssl not found (apt install openssl)" >&2; exit 1; }

mkdir -p "$out"
umask 077
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

if [ -s "$out/ca.pem" ] && [ -s "$out/ca.key" ]; then
  echo "reusing CA $out/ca.pem"
else
  openssl req -x509 -new -nodes -newkey ec -pkeyopt ec_paramgen_curve:P-256 \
    -keyout "$out/ca.key" -out "$out/ca.pem" -days 3650 -subj "/CN=kagent cluster CA" \
    -addext "basicConstraints=critical,CA:TRUE" \
    -addext "keyUsage=critical,keyCertSign,cRLSign" 2>/dev/null
  chmod 600 "$out/ca.key"
  chmod 644 "$out/ca.pem"
  echo "made CA $out/ca.pem"
fi

for n in "${names[@]}"; do
  cat > "$tmp/$n.ext" <<EXT
basicConstraints=critical,CA:FALSE
keyUsage=critical,digitalSignature,keyEncipherment
extendedKeyUsage=serverAuth,clientAuth
subjectAltName=DNS:$n,DNS:localhost,IP:127.0.0.1
EXT
  openssl req -new -nodes -newkey ec -pkeyopt ec_paramgen_curve:P-256 \
    -keyout "$tmp/$n.key" -out "$tmp/$n.csr" -subj "/CN=$n" 2>/dev/null
  # Nodes both accept and connect, so each certificate serves as server and client.
  openssl x509 -req -in "$tmp/$n.csr" -CA "$out/ca.pem" -CAkey "$out/ca.key" \
    -CAcreateserial -CAserial "$tmp/ca.srl" -days 825 -sha256 \
    -extfile "$tmp/$n.ext" -out "$tmp/$n.pem" 2>/dev/null
  # -CAserial in tmp: a random serial per run, no ca.srl left beside the CA.
  mv "$tmp/$n.key" "$out/$n.key"
  mv "$tmp/$n.pem" "$out/$n.pem"
  chmod 600 "$out/$n.key"
  chmod 644 "$out/$n.pem"
  echo "made $out/$n.pem $out/$n.key"
done
