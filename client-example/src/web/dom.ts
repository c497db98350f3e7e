/** A tiny element builder: user content only ever goes in as text, never as HTML. */

type Child = Node | string | null | undefined | false;

/**
 * @example h('a', { href: '#/', 'data-testid': 'home' }, 'Home')
 */
export function h<K extends keyof HTMLElementTagNameMap>(tag: K, attributes: Record<string, string> = {}, ...children: Child[]): HTMLElementTagNameMap[K] {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) element.setAttribute(name, value);
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    element.append(typeof child === 'string' ? document.createTextNode(child) : child);
  }
  return element;
}

/** @example formatDate(new Date()); // 'Dec 1, 2026, 21:55' in the reader's locale */
export function formatDate(date: Date): string {
  return date.toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' });
}
