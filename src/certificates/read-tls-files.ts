/** Certificate, key and optional client CA from files (cert-manager, a mounted Secret). */
import { readFileSync } from 'node:fs';
import { StateguardError } from '../policy/index.ts';
import { checkTlsMaterial, type TlsMaterial } from './tls-material.ts';

export interface TlsFiles {
  readonly cert: string;
  readonly key: string;
  readonly clientCa?: string;
}

export function readTlsFiles(files: TlsFiles): TlsMaterial {
  const material = {
    cert: readPem(files.cert, 'certificate'),
    key: readPem(files.key, 'key'),
    ...(files.clientCa === undefined ? {} : { clientCa: readPem(files.clientCa, 'client CA') }),
  };
  checkTlsMaterial(material, `${files.cert} + ${files.key}`);
  return material;
}

export function readPem(file: string, what: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (error) {
    throw new StateguardError('ERR_TLS', `cannot read the TLS ${what} ${file}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`, { cause: error });
  }
}
