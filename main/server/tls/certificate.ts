import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { generate } from 'selfsigned';
import { lanAddresses } from '../lan-addresses';

export interface TlsFiles {
  certFile: string;
  keyFile: string;
}

export interface TlsMaterial {
  cert: string;
  key: string;
  /** SHA-256 fingerprint, colon-separated hex, as browsers show it */
  fingerprint: string;
  /** true when FleetDesk generated it (self-signed), false for the user's own */
  selfSigned: boolean;
  certFile: string;
}

const TEN_YEARS_DAYS = 3650;

/** Where the generated certificate lives in the data folder. */
export const tlsDir = (dataDir: string) => path.join(dataDir, 'tls');

/**
 * The HTTPS certificate: the user's own when `files` are given, else a self-signed one made at
 * first start (EC P-256, ten years, names: localhost, this machine's LAN addresses) and kept in
 * the data folder so phones that accepted it once keep trusting it.
 */
export async function loadOrCreateCertificate(dataDir: string, files: TlsFiles | undefined, now: number): Promise<TlsMaterial> {
  if (files) {
    const cert = readOrExplain(files.certFile, 'certificate');
    const key = readOrExplain(files.keyFile, 'private key');
    return { cert, key, fingerprint: checkedFingerprint(cert, key, files), selfSigned: false, certFile: path.resolve(files.certFile) };
  }
  const dir = tlsDir(dataDir);
  const certFile = path.join(dir, 'cert.pem');
  const keyFile = path.join(dir, 'key.pem');
  if (fs.existsSync(certFile) && fs.existsSync(keyFile)) {
    const cert = readOrExplain(certFile, 'certificate');
    const key = readOrExplain(keyFile, 'private key');
    return { cert, key, fingerprint: checkedFingerprint(cert, key, { certFile, keyFile }), selfSigned: true, certFile };
  }
  const names = [
    { type: 2 as const, value: 'localhost' },
    { type: 7 as const, ip: '127.0.0.1' },
    ...lanAddresses().map((ip) => ({ type: 7 as const, ip })),
  ];
  const made = await generate([{ name: 'commonName', value: 'FleetDesk' }, { name: 'organizationName', value: 'FleetDesk self-signed' }], {
    keyType: 'ec',
    notAfterDate: new Date(now + TEN_YEARS_DAYS * 24 * 3600 * 1000),
    algorithm: 'sha256',
    extensions: [
      { name: 'basicConstraints', cA: false },
      { name: 'keyUsage', digitalSignature: true, keyEncipherment: true },
      { name: 'extKeyUsage', serverAuth: true },
      { name: 'subjectAltName', altNames: names },
    ],
  });
  fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  fs.writeFileSync(keyFile, made.private, { mode: 0o600 });
  fs.writeFileSync(certFile, made.cert, { mode: 0o600 });
  return { cert: made.cert, key: made.private, fingerprint: fingerprintOf(made.cert), selfSigned: true, certFile };
}

export function fingerprintOf(certPem: string): string {
  return new crypto.X509Certificate(certPem).fingerprint256;
}

/**
 * The certificate's fingerprint, after checking that both files hold what they should and
 * belong together: otherwise HTTPS would fail later with OpenSSL's own words ("no start line",
 * "key values mismatch") and no file name.
 */
function checkedFingerprint(cert: string, key: string, files: TlsFiles): string {
  let x509: crypto.X509Certificate;
  try {
    x509 = new crypto.X509Certificate(cert);
  } catch (err) {
    throw new Error(`cannot use the TLS certificate ${files.certFile}: it is not a PEM certificate (${(err as Error).message})`);
  }
  let privateKey: crypto.KeyObject;
  try {
    privateKey = crypto.createPrivateKey(key);
  } catch (err) {
    throw new Error(`cannot use the TLS private key ${files.keyFile}: it is not a PEM private key (${(err as Error).message})`);
  }
  if (!x509.checkPrivateKey(privateKey)) {
    throw new Error(`cannot use the TLS private key ${files.keyFile}: it is not the key of the certificate ${files.certFile}`);
  }
  return x509.fingerprint256;
}

function readOrExplain(file: string, what: string): string {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch (err) {
    throw new Error(`cannot read the TLS ${what} ${file}: ${(err as Error).message}`);
  }
}
