import { lookup } from 'node:dns/promises';
import type { Resolver } from './types.js';

/** The production resolver: the OS resolver (hosts file included), every address, in the order returned. */
export const systemResolver: Resolver = async (hostname) => {
  const answers = await lookup(hostname, { all: true, verbatim: true });
  return answers.map(({ address, family }) => ({ address, family: family === 6 ? 6 : 4 }));
};
