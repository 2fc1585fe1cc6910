import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { defineConfig, type Plugin } from 'vite';

// The dashboard: a Preact single-page app served by the reference server at /dashboard.
// `node dashboard/build.mjs` builds it into dist/dashboard-app; `npx vite dashboard` serves it
// with hot reload, proxying the API to ANCHOR_API_URL (default http://127.0.0.1:8080).

const root = fileURLToPath(new URL('.', import.meta.url));
export const OUT_DIR = fileURLToPath(new URL('../dist/dashboard-app', import.meta.url));
const SPEC_FILE = new URL('../generated/openapi.json', import.meta.url);

const RULES_ID = 'virtual:spec-rules';

/**
 * `virtual:spec-rules`: the few numbers and enums the UI needs, read from the bundle at build
 * time so they are never restated by hand (and the 200 KB spec is not shipped to the browser).
 */
function specRules(): Plugin {
  return {
    name: 'anchor-spec-rules',
    resolveId: (id) => (id === RULES_ID ? `\0${RULES_ID}` : undefined),
    load(id) {
      if (id !== `\0${RULES_ID}`) return undefined;
      this.addWatchFile(fileURLToPath(SPEC_FILE));
      const spec = JSON.parse(readFileSync(SPEC_FILE, 'utf8'));
      const { schemas, parameters } = spec.components;
      const ttl = schemas.RotateWebhookSecretRequest.properties.previous_secret_ttl_seconds;
      const rules = {
        webhookLimit: schemas.WebhookList.properties.items.maxItems,
        deliveryStatuses: schemas.DeliveryStatus.enum,
        pageSize: { default: parameters.Limit.schema.default, max: parameters.Limit.schema.maximum },
        previousSecretTtl: { default: ttl.default, max: ttl.maximum },
        urlMaxLength: schemas.WebhookUrl.maxLength,
        descriptionMaxLength: schemas.WebhookDescription.maxLength,
      };
      for (const [name, value] of Object.entries(rules)) {
        if (value === undefined || (typeof value === 'object' && Object.values(value).includes(undefined))) {
          throw new Error(`virtual:spec-rules: ${name} is missing from generated/openapi.json`);
        }
      }
      return Object.entries(rules)
        .map(([name, value]) => `export const ${name} = ${JSON.stringify(value)};`)
        .join('\n');
    },
  };
}

export default defineConfig({
  root,
  base: '/dashboard/',
  logLevel: 'warn',
  plugins: [specRules()],
  oxc: { jsx: { runtime: 'automatic', importSource: 'preact' } },
  build: {
    outDir: OUT_DIR,
    emptyOutDir: true,
    target: 'es2022',
    // One small bundle; a source map would only add to what the server ships.
    sourcemap: false,
  },
  server: {
    proxy: { '/v1': process.env.ANCHOR_API_URL ?? 'http://127.0.0.1:8080' },
  },
});
