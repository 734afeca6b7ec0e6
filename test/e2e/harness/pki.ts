import { execFile } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';

const execFileAsync = promisify(execFile);

/** PEM files on disk; `certPem` is also kept in memory for clients that need the CA bundle. */
export interface CertificateFiles {
  certPath: string;
  keyPath: string;
  certPem: string;
}

export interface KeyPairFiles {
  publicKeyPath: string;
  privateKeyPath: string;
}

export function createCa(dir: string, name: string): Promise<CertificateFiles> {
  return issueCertificate(dir, name, [
    'basicConstraints = critical, CA:TRUE',
    'keyUsage = critical, keyCertSign, cRLSign',
    'subjectKeyIdentifier = hash',
  ]);
}

/** A TLS serving certificate signed by `ca`, valid for `ipAddresses` and `dnsNames`. */
export function issueServingCert(
  dir: string,
  name: string,
  ca: CertificateFiles,
  hosts: { ipAddresses: string[]; dnsNames: string[] },
): Promise<CertificateFiles> {
  const altNames = [...hosts.ipAddresses.map((ip) => `IP:${ip}`), ...hosts.dnsNames.map((dns) => `DNS:${dns}`)];
  return issueCertificate(dir, name, [
    'basicConstraints = critical, CA:FALSE',
    'keyUsage = critical, digitalSignature',
    'extendedKeyUsage = serverAuth',
    `subjectAltName = ${altNames.join(', ')}`,
    'authorityKeyIdentifier = keyid',
  ], ca);
}

export async function createKeyPair(dir: string, name: string): Promise<KeyPairFiles> {
  const { publicKey, privateKey } = generateKeyPairSync('ec', {
    namedCurve: 'P-256',
    publicKeyEncoding: { type: 'spki', format: 'pem' },
    privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
  });
  const files = { publicKeyPath: join(dir, `${name}.pub`), privateKeyPath: join(dir, `${name}.key`) };
  await writeFile(files.publicKeyPath, publicKey);
  await writeFile(files.privateKeyPath, privateKey, { mode: 0o600 });
  return files;
}

/** Self-signed when `issuer` is absent. The config file replaces openssl's defaults, which would mark every certificate as a CA. */
async function issueCertificate(dir: string, name: string, extensions: string[], issuer?: CertificateFiles): Promise<CertificateFiles> {
  const configPath = join(dir, `${name}.openssl.cnf`);
  const certPath = join(dir, `${name}.crt`);
  const keyPath = join(dir, `${name}.key`);
  await writeFile(configPath, [
    '[req]', 'prompt = no', 'distinguished_name = dn',
    '[dn]', `CN = ${name}`,
    '[ext]', ...extensions,
  ].join('\n') + '\n');
  await execFileAsync('openssl', [
    'req', '-x509', '-config', configPath, '-extensions', 'ext',
    '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-noenc',
    '-keyout', keyPath, '-out', certPath, '-days', '2',
    ...(issuer === undefined ? [] : ['-CA', issuer.certPath, '-CAkey', issuer.keyPath]),
  ]);
  return { certPath, keyPath, certPem: await readFile(certPath, 'utf8') };
}
