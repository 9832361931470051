// Kept in step with package.json by test/version.test.ts.
export const PACKAGE_NAME = '@tokenpath/instrumentation-llm';
export const PACKAGE_VERSION = '0.1.0';
