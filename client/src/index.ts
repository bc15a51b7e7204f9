export type * from './types.js';
export { SvtClient } from './client.js';
export type {
  HistoryFilters,
  RecordOptions,
  RecordOutcome,
  RetryNotice,
  SvtClientOptions,
} from './client.js';
export { SvtError } from './errors.js';
export {
  detectCiContext,
  defaultIdempotencyKey,
  defaultVersion,
  withCiDefaults,
} from './ci-context.js';
export type { CiContext, CiDefaults, CiProvider } from './ci-context.js';
export { compareNames } from './names.js';
export { recordedText } from './recorded-text.js';
export { terminalText } from './cli/terminal.js';
export { VERSION } from './version.js';
export { parseAttributes, parseStatus, UsageError } from './cli/settings.js';
