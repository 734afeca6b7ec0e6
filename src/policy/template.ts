/** `{{a.b}}` placeholders in policy messages, filled from the element a rule looked at. */
import { getDotted } from './object-path.ts';

const PLACEHOLDER = /\{\{\s*([\w.-]+)\s*\}\}/g;

export function renderMessage(text: string, scope: unknown): string {
  return text.replace(PLACEHOLDER, (_, path: string) => {
    const value = getDotted(scope, path);
    return value === undefined || value === null ? '<unset>' : String(value);
  });
}
