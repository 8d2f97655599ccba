/** The enrolment code in an enrolment link (`…/driver#enrol=CODE`), a pasted link or a bare code. */
export function codeFromHash(hash: string): string | null {
  const params = new URLSearchParams(hash.replace(/^#/, ''));
  const code = params.get('enrol')?.trim();
  return code ? code : null;
}

export function codeFromText(text: string): string | null {
  const t = text.trim();
  if (!t) return null;
  const hashAt = t.indexOf('#');
  if (hashAt >= 0) return codeFromHash(t.slice(hashAt));
  if (/^enrol=/.test(t)) return codeFromHash(t);
  // A bare code: no spaces, no URL parts.
  return /^[A-Za-z0-9_-]{4,200}$/.test(t) ? t : null;
}
