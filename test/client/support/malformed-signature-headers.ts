import { loadVectors } from './vectors.js';

const published = loadVectors().find((v) => v.name === 'published')!;
const T = `t=${published.timestamp}`;
const V1 = published.expected_header.slice(T.length + 1); // `v1=<hex>` of the published vector

/**
 * `Anchor-Signature` values that the client's verifier rejects as malformed (each would
 * otherwise pass: the rest of it is the published vector's valid signature). The docs'
 * verification snippets must answer false to every one, and never throw.
 * Shared by verify-webhook.test.ts and docs-snippets.test.ts.
 */
export const MALFORMED_SIGNATURE_HEADERS: ReadonlyArray<readonly [label: string, header: string]> = [
  ['no t=', V1],
  ['no v1=', T],
  ['a non-numeric t=', `t=abc,${V1}`],
  ['a negative t=', `t=-1,${V1}`],
  ['a t= with a plus sign', `t=+${published.timestamp},${V1}`],
  ['a t= in non-ASCII digits', `t=${String(published.timestamp).replace(/\d/g, (d) => String.fromCharCode(0x0660 + Number(d)))},${V1}`],
  ['a t= of 12 digits', `t=00${published.timestamp},${V1}`],
  ['an empty t=', `t=,${V1}`],
  ['a duplicated t=', `${T},${published.expected_header}`],
  ['two copies of the header, joined by node', `${published.expected_header}, ${published.expected_header}`],
  ['an uppercase v1', `${T},${V1.toUpperCase().replace('V1=', 'v1=')}`],
  ['a short v1', `${T},v1=70eee4`],
  ['a v1 that is not hex', `${T},v1=${'g'.repeat(64)}`],
  ['a v1 in non-ASCII letters', `${T},v1=${'é'.repeat(64)}`],
  ['an empty v1=', `${T},v1=`],
  ['a valid v1 beside a malformed one', `${published.expected_header},v1=70eee4`],
  ['an element without =', `${T},v1`],
  ['an element with an empty key', `=abc,${published.expected_header}`],
  ['a trailing comma', `${published.expected_header},`],
  ['a leading comma', `,${published.expected_header}`],
  ['only commas', ',,,'],
  ['only spaces', '   '],
  ['garbage between elements', `${T},garbage,${V1}`],
  ['a huge header', `${T}${',v0=x'.repeat(2000)},${V1}`],
];

/** A missing header, as each language sees it: absent, null/None, or empty. */
export const MISSING_SIGNATURE_HEADERS: ReadonlyArray<readonly [label: string, header: string | null | undefined]> = [
  ['a missing header (undefined)', undefined],
  ['a missing header (null)', null],
  ['an empty header', ''],
];
