/** JUnit XML: a test suite per StatefulSet, a test case per evaluated policy; fail → <failure>, warn → <system-out>. */
import { locationOf, type Report } from './model.ts';

function escape(text: string): string {
  return text.replace(/[<>&"']/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', '"': '&quot;', "'": '&apos;' })[c] ?? c)
    // eslint-disable-next-line no-control-regex
    .replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f]/g, '');
}

export function formatJunit(report: Report): string {
  const suites: string[] = [];
  let totalTests = 0, totalFailures = 0, totalErrors = 0, totalSkipped = 0;
  for (const item of report.items) {
    const name = `${item.kind} ${item.namespace}/${item.name} (${locationOf(item)})`;
    const cases: string[] = [];
    let failures = 0, errors = 0, skipped = 0;
    for (const result of item.evaluation.results) {
      const lines = result.violations.map((v) => `${v.path}: ${v.message} (fix: ${v.fix})`);
      const open = `    <testcase classname="${escape(`${item.namespace}/${item.name}`)}" name="${escape(result.policy)}" file="${escape(item.source)}">`;
      if (result.result === 'fail') {
        failures++;
        cases.push(`${open}\n      <failure message="${escape(lines[0] ?? result.policy)}" type="${result.action}">${escape(lines.join('\n'))}</failure>\n    </testcase>`);
      } else if (result.result === 'error' || result.skip?.cause === 'lookup-forbidden') {
        // A policy not evaluated because a lookup was refused is not a skip a CI job may ignore.
        errors++;
        cases.push(`${open}\n      <error message="${escape(result.reason ?? 'error')}"/>\n    </testcase>`);
      } else if (result.result === 'skip') {
        skipped++;
        cases.push(`${open}\n      <skipped message="${escape(result.reason ?? 'skipped')}"/>\n    </testcase>`);
      } else if (result.result === 'warn') {
        cases.push(`${open}\n      <system-out>${escape(['warning:', ...lines].join('\n'))}</system-out>\n    </testcase>`);
      } else {
        cases.push(`${open.slice(0, -1)}/>`);
      }
    }
    totalTests += cases.length; totalFailures += failures; totalErrors += errors; totalSkipped += skipped;
    suites.push(`  <testsuite name="${escape(name)}" tests="${cases.length}" failures="${failures}" errors="${errors}" skipped="${skipped}">\n${cases.join('\n')}\n  </testsuite>`);
  }
  if (report.problems.length > 0) {
    totalTests += report.problems.length; totalErrors += report.problems.length;
    const cases = report.problems.map((p) => `    <testcase classname="input" name="${escape(`${p.file}${p.line === undefined ? '' : `:${p.line}`}`)}">\n      <error message="${escape(p.message)}"/>\n    </testcase>`);
    suites.push(`  <testsuite name="input errors" tests="${cases.length}" failures="0" errors="${cases.length}" skipped="0">\n${cases.join('\n')}\n  </testsuite>`);
  }
  return `<?xml version="1.0" encoding="UTF-8"?>\n<testsuites name="stateguard" tests="${totalTests}" failures="${totalFailures}" errors="${totalErrors}" skipped="${totalSkipped}">\n${suites.join('\n')}\n</testsuites>\n`;
}
