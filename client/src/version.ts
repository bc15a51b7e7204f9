/** This package's version (a test keeps it equal to package.json's). Sent in User-Agent. */
export const VERSION = '1.1.0';
