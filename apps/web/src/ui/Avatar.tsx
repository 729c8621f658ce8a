/** Initials on a colour picked from the name, for tiles without video. */
export function Avatar({ name, size = 'md' }: { name: string; size?: 'sm' | 'md' | 'lg' }) {
  return (
    <div className={`avatar avatar--${size}`} style={{ background: colorFor(name) }} aria-hidden="true">
      {initials(name)}
    </div>
  );
}

export function initials(name: string): string {
  const words = name.trim().split(/\s+/).filter(Boolean);
  if (words.length === 0) return '?';
  const first = [...words[0]!][0] ?? '';
  const last = words.length > 1 ? ([...words[words.length - 1]!][0] ?? '') : '';
  return (first + last).toUpperCase();
}

const PALETTE = ['#5b6cff', '#0ea5a4', '#e86a92', '#f59e0b', '#8b5cf6', '#10b981', '#ef6c4a', '#3b82f6'];

function colorFor(name: string): string {
  let hash = 0;
  for (const ch of name) hash = (hash * 31 + ch.codePointAt(0)!) >>> 0;
  return PALETTE[hash % PALETTE.length]!;
}
