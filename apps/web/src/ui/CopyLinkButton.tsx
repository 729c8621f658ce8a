import { useEffect, useState } from 'react';
import { CheckIcon, LinkIcon } from './icons';

/** Copies `link` to the clipboard and says so for a moment. */
export function CopyLinkButton({ link, className = '' }: { link: string; className?: string }) {
  const [copied, setCopied] = useState(false);
  useEffect(() => {
    if (!copied) return;
    const timer = setTimeout(() => setCopied(false), 2000);
    return () => clearTimeout(timer);
  }, [copied]);

  const copy = async () => {
    setCopied(await copyText(link));
  };

  return (
    <button
      type="button"
      className={`copy-link ${copied ? 'copy-link--copied' : ''} ${className}`}
      onClick={copy}
      data-testid="copy-link"
      data-link={link}
      title={link}
    >
      {copied ? <CheckIcon size={16} /> : <LinkIcon size={16} />}
      <span aria-live="polite">{copied ? 'Link copied' : 'Copy link'}</span>
    </button>
  );
}

async function copyText(text: string): Promise<boolean> {
  try {
    await navigator.clipboard.writeText(text);
    return true;
  } catch {
    // No clipboard API (http on another host) or no permission: the old way.
    const input = document.createElement('textarea');
    input.value = text;
    input.setAttribute('readonly', '');
    input.style.position = 'fixed';
    input.style.opacity = '0';
    document.body.appendChild(input);
    input.select();
    const ok = document.execCommand('copy');
    input.remove();
    return ok;
  }
}
