/** A tiny element builder: user content only ever goes in as text, never as HTML. */
import { serverErrorOf } from '../api.ts';

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

/**
 * Runs `work` when `form` is submitted, with `submit` disabled meanwhile; a failure is shown in
 * `message` as the server's code and message (or as unreachable), never as a stack.
 *
 * @example handleSubmit(form, submit, message, async () => { await api.comments.add.mutate(input); });
 */
export function handleSubmit(form: HTMLFormElement, submit: HTMLButtonElement, message: HTMLElement, work: () => Promise<void>): void {
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    submit.disabled = true;
    message.textContent = '';
    void (async () => {
      try {
        await work();
      } catch (error) {
        const server = serverErrorOf(error);
        message.textContent = server ? `${server.code}: ${server.message}` : 'Cannot reach the server.';
      } finally {
        submit.disabled = false;
      }
    })();
  });
}
