/**
 * A connection URL safe to log: the password (if any) is replaced by `***`. A value that does not parse as a URL
 * has everything between `://` and `@` replaced, so that a malformed secret is not printed either.
 */
export function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password !== '') parsed.password = '***';
    return parsed.toString();
  } catch {
    return url.replace(/\/\/[^@/]*@/, '//***@');
  }
}
