/** Debug logging, on when localStorage.debug (or globalThis.CONFAB_DEBUG) starts with "confab". */
function enabled(): boolean {
  try {
    const g = globalThis as { CONFAB_DEBUG?: unknown; localStorage?: Storage };
    if (g.CONFAB_DEBUG) return true;
    return (g.localStorage?.getItem('debug') ?? '').startsWith('confab');
  } catch {
    return false;
  }
}

export function debug(scope: string, ...args: unknown[]): void {
  if (enabled()) console.debug(`[confab:${scope}]`, ...args);
}
