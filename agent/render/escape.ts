// Escaping for every place repository-controlled text enters HTML: element
// content and attributes, JSON embedded in a script element, inlined
// library source, and template placeholders that must not expand `$`.

/** Escapes text for HTML element content and quoted attribute values. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/**
 * Serialises data for a `<script type="application/json">` element: `<` becomes
 * \u003c (so neither `</script>` nor `<!--` can appear), and U+2028/U+2029 are
 * escaped for old parsers that treat them as line ends.
 */
export function embedJson(value: unknown): string {
  return JSON.stringify(value)
    .replace(/</g, '\\u003c')
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029');
}

/** Makes library source safe to inline in a <script> element. */
export function inlineScript(source: string): string {
  return source.replace(/<\/(script)/gi, '<\\/$1').replace(/<!--/g, '<\\!--');
}

/**
 * Fills `{{NAME}}` placeholders in one pass over the template's own text:
 * split/join, so `$` patterns in values stay inert, and a value that itself
 * contains `{{NAME}}` is never filled again.
 */
export function fill(template: string, values: Record<string, string>): string {
  return template
    .split(/\{\{([A-Z]+)\}\}/)
    .map((part, i) => {
      if (i % 2 === 0) return part;
      const value = values[part];
      if (value === undefined) throw new Error(`no value for the placeholder {{${part}}}`);
      return value;
    })
    .join('');
}
