#!/bin/sh
# Makes a THROW-AWAY signing setup for tests and development: a CA, a release key and certificate signed
# by it, and the keyring a panel pins (the CA certificate). Never commit the output; a vendor's real
# release key is made and kept offline (docs/updates.md).
#
#   scripts/image/release-key.sh OUT_DIR [CN]
#   -> OUT_DIR/ca.key.pem ca.cert.pem   the dev CA (its certificate is the keyring: keyring.pem)
#      OUT_DIR/release.key.pem release.cert.pem   what bundle.sh signs with
set -eu
out=${1:?usage: release-key.sh OUT_DIR [CN]}
cn=${2:-portvakt dev release}
mkdir -p "$out"
umask 077
ext="$out/ext.cnf"
printf '[req]\ndistinguished_name=dn\n[dn]\n[ca]\nbasicConstraints=critical,CA:TRUE\nkeyUsage=critical,keyCertSign,cRLSign\nsubjectKeyIdentifier=hash\n[leaf]\nbasicConstraints=critical,CA:FALSE\nkeyUsage=critical,digitalSignature\nsubjectKeyIdentifier=hash\nauthorityKeyIdentifier=keyid\n' >"$ext"
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 3650 \
  -subj "/O=portvakt dev/CN=$cn CA" -keyout "$out/ca.key.pem" -out "$out/ca.cert.pem" \
  -config "$ext" -extensions ca
openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes \
  -subj "/O=portvakt dev/CN=$cn" -keyout "$out/release.key.pem" -out "$out/release.csr" 
openssl x509 -req -in "$out/release.csr" -CA "$out/ca.cert.pem" -CAkey "$out/ca.key.pem" \
  -CAcreateserial -days 1825 -extfile "$ext" -extensions leaf -out "$out/release.cert.pem" 
cp "$out/ca.cert.pem" "$out/keyring.pem"
rm -f "$out/release.csr" "$ext" "$out/ca.cert.srl"
chmod 0644 "$out/ca.cert.pem" "$out/release.cert.pem" "$out/keyring.pem"
echo "$out"
