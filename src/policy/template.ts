/** `{{a.b}}` placeholders in policy messages, filled from the element a rule looked at (`<unset>` when absent). */
import { parsePath, valueAt } from './paths.ts';

const PLACEHOLDER = /\{\{\s*([\w.-]+)\s*\}\}/g;

export function renderMessage(text: string, scope: unknown): string {
  return text.replace(PLACEHOLDER, (_, path: string) => {
    // The placeholder allows names and dots only; one that is not a path (`a..b`) reads as absent.
    const value = /^[^.]+(\.[^.]+)*$/.test(path) ? valueAt(scope, parsePath(path)) : undefined;
    return value === undefined || value === null ? '<unset>' : String(value);
  });
}
