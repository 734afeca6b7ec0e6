/**
 * `pino`: numeric levels and epoch milliseconds (pino's own, what pino-pretty reads). `iso`: level names and ISO 8601
 * UTC time, what log pipelines (Loki, Elasticsearch, Cloud Logging) parse without a mapping. Apart from the logger so
 * that the config schema names them without loading pino (`review` never logs).
 */
export const LOG_FORMATS = ['pino', 'iso'] as const;
export type LogFormat = (typeof LOG_FORMATS)[number];
