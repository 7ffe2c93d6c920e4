/** Small text utilities shared by the domain modules' renderers and previews. */

export function stripHtml(html: string): string {
  return html
    .replace(/<br\s*\/?>/gi, '\n')
    .replace(/<\/(p|div|li|h\d)>/gi, '\n')
    .replace(/<[^>]*>/g, '')
    .replace(/&nbsp;/g, ' ')
    .replace(/&amp;/g, '&')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'");
}

export function escapeHtml(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}

/** One line of at most `max` characters, whitespace collapsed, with an ellipsis when cut. */
export function oneLine(text: string, max: number): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length <= max ? flat : `${flat.slice(0, max - 1).trimEnd()}…`;
}

/** Lower case without accents ("Chloé" → "chloe"). */
function plainLower(text: string): string {
  return text
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase();
}

/** ASCII words joined by `sep`, for seeded emails and URLs ("Chloé O'Brien" → "chloe" + "obrien"). */
export function asciiWords(text: string, sep = ''): string {
  return plainLower(text)
    .replace(/&/g, 'and')
    .split(/[^a-z0-9]+/)
    .filter((w) => w !== '')
    .join(sep);
}

/** A URL slug of at most 80 characters; "untitled" when nothing is left. */
export function slugify(text: string): string {
  const slug = plainLower(text)
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 80);
  return slug === '' ? 'untitled' : slug;
}

/** Plain text paragraphs as minimal HTML (what an email body looks like on the wire). */
export function paragraphsToHtml(text: string): string {
  return text
    .split(/\n{2,}/)
    .map((p) => `<p>${escapeHtml(p).replace(/\n/g, '<br>')}</p>`)
    .join('');
}
