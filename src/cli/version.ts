// The package version, kept in step with package.json by a test (test/cli/main.test.ts). Its own module so that
// commands can name it without importing main.ts (which imports every command).
export const VERSION = '0.1.0';
