/** A case-insensitive "contains" LIKE pattern with %, _ and \\ taken literally (use with escape '\\'). */
export function likeContains(text: string): string {
  return `%${text.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}
