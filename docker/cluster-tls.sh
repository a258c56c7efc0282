#!/bin/sh
# Makes the TLS folder a codex-vertx cluster needs when it is not on loopback (--cluster-tls DIR):
#   ca.p12    the cluster's certificate authority (certificate only): every member trusts it
#   node.p12  a member key and its certificate, signed by that authority
#   password  the password of both stores (random, readable by the owner only)
# Whoever holds node.p12 and its password is a member of the cluster: keep the folder private.
# Usage: cluster-tls.sh DIR [DAYS]   (needs keytool, which every JDK and JRE image has)
set -eu
dir=${1:?usage: cluster-tls.sh DIR [DAYS]}
days=${2:-825}
if [ -e "$dir/node.p12" ]; then
  echo "cluster-tls: $dir/node.p12 exists; keeping it" >&2
  exit 0
fi
umask 077
mkdir -p "$dir"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
pass=$(od -An -N24 -tx1 /dev/urandom | tr -d ' \n')
kt() { keytool -noprompt -storetype PKCS12 "$@" >/dev/null 2>&1 || { keytool -noprompt -storetype PKCS12 "$@"; exit 1; }; }
kt -genkeypair -alias ca -keyalg EC -groupname secp256r1 -dname "CN=codex-vertx cluster CA" -validity "$days" \
   -ext bc:c -keystore "$work/ca-key.p12" -storepass "$pass"
kt -exportcert -rfc -alias ca -keystore "$work/ca-key.p12" -storepass "$pass" -file "$work/ca.pem"
kt -genkeypair -alias node -keyalg EC -groupname secp256r1 -dname "CN=codex-vertx cluster member" -validity "$days" \
   -keystore "$work/node.p12" -storepass "$pass"
kt -certreq -alias node -keystore "$work/node.p12" -storepass "$pass" -file "$work/node.csr"
kt -gencert -alias ca -keystore "$work/ca-key.p12" -storepass "$pass" -infile "$work/node.csr" -outfile "$work/node.pem" \
   -rfc -validity "$days" -ext ku:c=digitalSignature,keyAgreement -ext eku=serverAuth,clientAuth
kt -importcert -alias ca -file "$work/ca.pem" -keystore "$work/node.p12" -storepass "$pass"
kt -importcert -alias node -file "$work/node.pem" -keystore "$work/node.p12" -storepass "$pass"
kt -importcert -alias ca -file "$work/ca.pem" -keystore "$work/ca.p12" -storepass "$pass"
cp "$work/node.p12" "$work/ca.p12" "$dir/"
printf '%s' "$pass" > "$dir/password"
echo "cluster-tls: wrote $dir/ca.p12, $dir/node.p12 and $dir/password" >&2
