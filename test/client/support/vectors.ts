import { readFileSync } from 'node:fs';

export interface SignatureVector {
  name: string;
  secrets: string[];
  timestamp: number;
  body: string;
  expected_header: string;
}

/** test/fixtures/signature-vectors.json: shared by the client, the server's signer and the docs. */
export function loadVectors(): SignatureVector[] {
  const file = JSON.parse(readFileSync(new URL('../../fixtures/signature-vectors.json', import.meta.url), 'utf8')) as { vectors: SignatureVector[] };
  return file.vectors;
}

export const atSecond = (seconds: number) => new Date(seconds * 1000);
