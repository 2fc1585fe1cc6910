/**
 * The environment of a user's shell, for the npm, npx and node a test runs as a user would: none
 * of the npm_* variables of the `npm test` running the test (npm reads them as its own config,
 * the project's prefix among them), the npm cache aside, nor vitest's forced colours.
 */
export const userEnv: NodeJS.ProcessEnv = Object.fromEntries(
  Object.entries(process.env).filter(([name]) => (!/^npm_/i.test(name) || /^npm_config_cache$/i.test(name)) && name !== 'FORCE_COLOR'),
);
