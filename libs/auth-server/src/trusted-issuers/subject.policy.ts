/** Whether `subject` matches one of the patterns. */
export function subjectAllowed(patterns: readonly string[], subject: string): boolean {
  return patterns.some((p) =>
    p === '*' ? true : p.endsWith('*') ? subject.startsWith(p.slice(0, -1)) : p === subject,
  );
}
