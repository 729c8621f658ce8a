import type { ReactNode } from 'react';
import { LogoMark } from './icons';

/** The layout of the simple screens (joining, left, connection lost): the brand and one card. */
export function CenteredCard({ children, testId, tone = 'dark' }: { children: ReactNode; testId: string; tone?: 'dark' | 'light' }) {
  return (
    <div className={`centered-screen centered-screen--${tone}`} data-testid={testId}>
      <header className="brand">
        <LogoMark />
        <span className="brand__name">Confab</span>
      </header>
      <main className="centered-card">{children}</main>
    </div>
  );
}
