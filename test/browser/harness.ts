// The browser tests' harness lives in src/cli/headless.ts (the bench drives the page too).
export * from '../../src/cli/headless';
