#!/usr/bin/env node
// The `anchor-webhooks` executable. Runs the prebuilt bundle (dist/server, `node server/build.mjs`,
// which `npm start` runs when stale) when it was built from the sources as they are now; otherwise
// the TypeScript through tsx, so a plain checkout works and an edited source never runs stale.
import { freshBundle } from './bundle-stamp.mjs';

const bundle = freshBundle();
if (bundle) {
  await import(bundle);
} else {
  const { register } = await import('tsx/esm/api');
  register();
  await import('./cli.ts');
}
