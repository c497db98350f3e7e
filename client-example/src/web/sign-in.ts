/** The sign-in form, with the second step when the account has two-factor sign-in. */
import { h, handleSubmit } from './dom.ts';
import type { PageContext } from './main.ts';

export function renderSignIn(root: HTMLElement, context: PageContext): () => void {
  const login = h('input', { name: 'login', autocomplete: 'username', required: '', 'data-testid': 'login' });
  const password = h('input', { name: 'password', type: 'password', autocomplete: 'current-password', required: '', 'data-testid': 'password' });
  const code = h('input', { name: 'code', inputmode: 'numeric', autocomplete: 'one-time-code', 'data-testid': 'code' });
  const codeRow = h('label', { hidden: '' }, 'Authenticator code', code);
  const message = h('p', { class: 'error', role: 'alert', 'data-testid': 'sign-in-error' });
  const submit = h('button', { type: 'submit' }, 'Sign in');
  const form = h('form', { class: 'card', 'data-testid': 'sign-in-form' }, h('h1', {}, 'Sign in'), h('label', {}, 'Username or email', login), h('label', {}, 'Password', password), codeRow, message, submit);
  let challenge: string | null = null;

  handleSubmit(form, submit, message, async () => {
    let grant: { token: string; user: { username: string } };
    if (challenge) {
      grant = await context.api.auth.twoFactor.verifyLogin.mutate({ challenge, code: code.value.trim() });
    } else {
      const result = await context.api.auth.login.mutate({ login: login.value, password: password.value });
      if (result.twoFactorRequired) {
        challenge = result.challenge;
        codeRow.hidden = false;
        code.focus();
        message.textContent = 'Enter the code from your authenticator app.';
        return;
      }
      grant = result;
    }
    context.setSession({ token: grant.token, username: grant.user.username });
    location.hash = '#/';
  });

  root.replaceChildren(form);
  login.focus();
  return () => {};
}
