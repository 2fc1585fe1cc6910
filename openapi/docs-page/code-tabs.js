// <anchor-code-tabs>: language tabs with a copy button and syntax highlighting for the
// code blocks of the docs' guide pages. openapi/scripts/docs.mjs inlines this file into
// dist/docs/index.html as one static <script>, so a CSP can allow it by its hash.
//
// The markdown writes (Markdoc `html` tags, which Redoc renders as plain elements):
//   <anchor-code-tabs><div data-label="Node.js"><pre data-language="js">…</pre></div>…</anchor-code-tabs>
// Redoc (React) owns those light-DOM children; this element never touches them. It
// renders its tabs into a shadow root, styled with a constructed stylesheet (not an
// inline <style>), from Redoc's own CSS variables so light and dark themes both apply.
// Without JavaScript the plain <pre> blocks show, one after the other.
(() => {
  if (typeof customElements === 'undefined' || customElements.get('anchor-code-tabs')) return;

  const KEYWORDS = {
    js: 'as async await break case catch class const continue default delete do else export extends finally for from function if import in instanceof let new of return static switch throw try typeof var void while yield',
    python: 'and as assert async await break class continue def del elif else except finally for from global if import in is lambda nonlocal not or pass raise return try while with yield',
    go: 'break case chan const continue default defer else fallthrough for func go goto if import interface map package range return select struct switch type var',
    sh: 'if then else fi for do done case esac export local return in',
  };
  const LITERALS = {
    js: 'true false null undefined this',
    python: 'True False None self',
    go: 'true false nil iota',
    sh: '',
  };
  const ALIASES = { javascript: 'js', ts: 'js', typescript: 'js', mjs: 'js', py: 'python', golang: 'go', bash: 'sh', shell: 'sh', console: 'sh' };
  const STRINGS = {
    js: String.raw`\x60(?:\\[\s\S]|[^\\\x60])*\x60|'(?:\\.|[^\\'\n])*'|"(?:\\.|[^\\"\n])*"`,
    python: String.raw`[rbfRBF]{0,2}(?:"""[\s\S]*?"""|'''[\s\S]*?'''|"(?:\\.|[^\\"\n])*"|'(?:\\.|[^\\'\n])*')`,
    go: String.raw`\x60[^\x60]*\x60|"(?:\\.|[^\\"\n])*"|'(?:\\.|[^\\'\n])*'`,
    sh: String.raw`"(?:\\.|[^\\"])*"|'[^']*'`,
  };
  const COMMENTS = { js: String.raw`\/\/[^\n]*|\/\*[\s\S]*?\*\/`, python: '#[^\\n]*', go: String.raw`\/\/[^\n]*|\/\*[\s\S]*?\*\/`, sh: '#[^\\n]*' };
  const REGEX_LITERAL = String.raw`\/(?![*/])(?:\\.|\[(?:\\.|[^\]\\\n])*\]|[^\\/\n])+\/[dgimsuyv]*`;

  const grammars = new Map();
  function grammar(lang) {
    if (!grammars.has(lang)) {
      const parts = [`(?<comment>${COMMENTS[lang]})`, `(?<string>${STRINGS[lang]})`];
      if (lang === 'js') parts.push(`(?<regex>${REGEX_LITERAL})`);
      parts.push(String.raw`(?<number>\b\d[\d_]*(?:\.\d+)?(?:e[+-]?\d+)?\b)`, String.raw`(?<word>[A-Za-z_$][\w$]*)`);
      grammars.set(lang, {
        pattern: new RegExp(parts.join('|'), 'g'),
        keywords: new Set(KEYWORDS[lang].split(' ')),
        literals: new Set(LITERALS[lang].split(' ').filter(Boolean)),
      });
    }
    return grammars.get(lang);
  }

  /** [text, tokenClass | ''] pairs; plain text for a language it does not know. */
  function tokenize(code, language) {
    const lang = ALIASES[language] ?? language;
    if (!KEYWORDS[lang]) return [[code, '']];
    const { pattern, keywords, literals } = grammar(lang);
    const out = [];
    let last = 0;
    for (const match of code.matchAll(pattern)) {
      const [text] = match;
      const groups = match.groups;
      let kind = Object.keys(groups).find((name) => groups[name] !== undefined);
      // A slash after a value is division, not a regular expression.
      if (kind === 'regex' && /[\w$)\]]\s*$/.test(code.slice(Math.max(0, match.index - 40), match.index))) {
        out.push([code.slice(last, match.index + 1), '']);
        last = match.index + 1;
        pattern.lastIndex = match.index + 1;
        continue;
      }
      if (kind === 'word') {
        if (keywords.has(text)) kind = 'keyword';
        else if (literals.has(text)) kind = 'literal';
        else if (/^\s*\(/.test(code.slice(match.index + text.length, match.index + text.length + 3))) kind = 'function';
        else kind = '';
      }
      if (match.index > last) out.push([code.slice(last, match.index), '']);
      out.push([text, kind]);
      last = match.index + text.length;
    }
    if (last < code.length) out.push([code.slice(last), '']);
    return out;
  }

  const css = `
    :host { display: block; margin: var(--code-block-margin, 16px 0); }
    .frame { border: 1px solid var(--border-color-secondary, #d6d6d6); border-radius: var(--border-radius-lg, 8px);
      background: var(--code-block-bg-color, #f6f6f6); overflow: hidden; position: relative; }
    .bar { display: flex; align-items: center; gap: 4px; padding: 4px 6px 0; border-bottom: 1px solid var(--border-color-secondary, #d6d6d6);
      background: var(--code-block-controls-bg-color, transparent); flex-wrap: wrap; }
    [role=tablist] { display: flex; flex-wrap: wrap; gap: 2px; flex: 1 1 auto; }
    button { font: inherit; font-family: var(--font-family-base, sans-serif); font-size: 13px; color: var(--text-color-secondary, #555);
      background: none; border: 0; border-bottom: 2px solid transparent; padding: 6px 10px; cursor: pointer; border-radius: 4px 4px 0 0; }
    button:hover { color: var(--text-color-primary, #111); }
    button:focus-visible { outline: 2px solid var(--color-primary-base, #0044d4); outline-offset: -2px; }
    [role=tab][aria-selected=true] { color: var(--text-color-primary, #111); border-bottom-color: var(--color-primary-base, #0044d4); font-weight: 600; }
    .copy { flex: 0 0 auto; margin-left: auto; border: 1px solid var(--border-color-secondary, #d6d6d6); border-radius: 6px; padding: 3px 10px; margin-bottom: 4px; }
    pre { margin: 0; padding: var(--code-block-padding, 12px 16px); overflow: auto; tab-size: 4;
      font-family: var(--code-block-font-family, var(--code-font-family, ui-monospace, monospace)); font-size: var(--code-block-font-size, 13px);
      line-height: var(--code-block-line-height, 1.5); color: var(--code-block-text-color, var(--code-block-tokens-default-color, #1f1f1f)); }
    pre:focus-visible { outline: 2px solid var(--color-primary-base, #0044d4); outline-offset: -2px; }
    .comment { color: var(--code-block-tokens-comment-color, #6a737d); font-style: italic; }
    .string { color: var(--code-block-tokens-string-color, #0a7c2f); }
    .regex { color: var(--code-block-tokens-regex-color, var(--code-block-tokens-string-color, #0a7c2f)); }
    .keyword { color: var(--code-block-tokens-keyword-color, #c3155b); }
    .number { color: var(--code-block-tokens-number-color, #a0522d); }
    .literal { color: var(--code-block-tokens-boolean-color, var(--code-block-tokens-number-color, #a0522d)); }
    .function { color: var(--code-block-tokens-function-color, #6f42c1); }
    .status { position: absolute; width: 1px; height: 1px; overflow: hidden; clip-path: inset(50%); white-space: nowrap; }
  `;
  let sheet;
  const styles = () => {
    if (!sheet) {
      sheet = new CSSStyleSheet();
      sheet.replaceSync(css);
    }
    return sheet;
  };

  let instances = 0;

  class AnchorCodeTabs extends HTMLElement {
    #selected = 0;
    #id = `anchor-code-tabs-${++instances}`;
    #resize;

    connectedCallback() {
      if (!this.shadowRoot) {
        const root = this.attachShadow({ mode: 'open' });
        root.adoptedStyleSheets = [styles()];
        // A hidden slot tells us when Redoc (re)renders the light-DOM blocks.
        const watch = document.createElement('slot');
        watch.hidden = true;
        watch.addEventListener('slotchange', () => this.#render());
        root.append(watch);
      }
      this.#render();
      this.#resize ??= new ResizeObserver(() => this.#fitWidth());
      const row = this.#layoutRow();
      if (row) this.#resize.observe(row);
      this.#resize.observe(this);
    }

    disconnectedCallback() {
      this.#resize?.disconnect();
    }

    /** [{ label, language, code }] read from the light-DOM blocks. */
    get samples() {
      return [...this.children]
        .filter((el) => el.dataset.label)
        .map((el) => {
          const pre = el.querySelector('pre');
          return { label: el.dataset.label, language: pre?.dataset.language ?? '', code: (pre?.textContent ?? '').replace(/\n$/, '') };
        });
    }

    #render() {
      const root = this.shadowRoot;
      const samples = this.samples;
      root.querySelector('.frame')?.remove();
      if (samples.length === 0) return;
      this.#selected = Math.min(this.#selected, samples.length - 1);

      const frame = el('div', { class: 'frame' });
      const bar = el('div', { class: 'bar' });
      const tablist = el('div', { role: 'tablist', 'aria-label': this.getAttribute('aria-label') ?? 'Language' });
      const tabs = samples.map((sample, i) =>
        el('button', { type: 'button', role: 'tab', id: `${this.#id}-tab-${i}`, 'aria-controls': `${this.#id}-panel`, 'data-label': sample.label }, sample.label),
      );
      const copy = el('button', { type: 'button', class: 'copy', part: 'copy' }, 'Copy');
      const status = el('span', { class: 'status', role: 'status' });
      const pre = el('pre', { id: `${this.#id}-panel`, role: 'tabpanel', tabindex: '0' });
      tablist.append(...tabs);
      bar.append(tablist, copy);
      frame.append(bar, pre, status);
      root.append(frame);

      const select = (i, focus) => {
        this.#selected = i;
        tabs.forEach((tab, j) => {
          tab.setAttribute('aria-selected', String(i === j));
          tab.tabIndex = i === j ? 0 : -1;
        });
        pre.setAttribute('aria-labelledby', tabs[i].id);
        pre.dataset.language = samples[i].language;
        pre.replaceChildren(...tokenize(samples[i].code, samples[i].language).map(([text, kind]) => (kind ? el('span', { class: kind }, text) : document.createTextNode(text))));
        copy.setAttribute('aria-label', `Copy the ${samples[i].label} code`);
        copy.textContent = 'Copy';
        if (focus) tabs[i].focus();
      };
      tabs.forEach((tab, i) => {
        tab.addEventListener('click', () => select(i, false));
        tab.addEventListener('keydown', (event) => {
          const next = { ArrowRight: (i + 1) % tabs.length, ArrowLeft: (i - 1 + tabs.length) % tabs.length, Home: 0, End: tabs.length - 1 }[event.key];
          if (next === undefined) return;
          event.preventDefault();
          select(next, true);
        });
      });
      copy.addEventListener('click', async () => {
        const { code, label } = this.samples[this.#selected];
        const done = await writeClipboard(code);
        copy.textContent = done ? 'Copied' : 'Select and copy';
        status.textContent = done ? `${label} code copied` : 'Copying is blocked here: select the code and copy it';
        setTimeout(() => {
          copy.textContent = 'Copy';
          status.textContent = '';
        }, 2000);
      });
      select(this.#selected, false);
      this.#fitWidth();
    }

    /** The row of Redoc's three-panel layout this element sits in, if any. */
    #layoutRow() {
      return this.closest('[data-testid="middle-panel"]')?.parentElement ?? null;
    }

    // On a page whose right panel is empty (a guide page), code may use the whole row
    // instead of the narrow middle column; elsewhere it keeps the column's width.
    #fitWidth() {
      const frame = this.shadowRoot?.querySelector('.frame');
      if (!frame) return;
      const row = this.#layoutRow();
      const middle = row && this.closest('[data-testid="middle-panel"]');
      const right = row?.querySelector(':scope > [data-testid="right-panel"]');
      const rightIsEmpty = !right || right.childElementCount === 0;
      const host = this.getBoundingClientRect();
      let width = host.width;
      if (row && middle && rightIsEmpty) {
        const padding = parseFloat(getComputedStyle(middle).paddingRight) || 0;
        width = Math.max(host.width, row.getBoundingClientRect().right - padding - host.left);
      }
      frame.style.width = `${Math.floor(width)}px`;
    }
  }

  async function writeClipboard(text) {
    try {
      await navigator.clipboard.writeText(text);
      return true;
    } catch {
      return false;
    }
  }

  function el(tag, attributes = {}, text) {
    const node = document.createElement(tag);
    for (const [name, value] of Object.entries(attributes)) node.setAttribute(name, value);
    if (text !== undefined) node.textContent = text;
    return node;
  }

  customElements.define('anchor-code-tabs', AnchorCodeTabs);
})();
