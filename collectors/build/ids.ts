// Identifiers for build records without node:crypto, whose loading alone costs
// more than the rest of `wrap`'s start-up. None of them is a secret.

/** A run key unique across processes and machines: time, process id and 64 random bits. */
export function newRunKey(): string {
  const random = () =>
    Math.floor(Math.random() * 0x1_0000_0000)
      .toString(16)
      .padStart(8, '0');
  return `${Date.now().toString(36)}-${process.pid.toString(36)}-${random()}${random()}`;
}

/** A stable 64-bit FNV-1a hash of the text, as 16 hex digits (machine ids, folder names). */
export function stableHash(text: string): string {
  let hash = 0xcbf29ce484222325n;
  for (const byte of new TextEncoder().encode(text)) {
    hash ^= BigInt(byte);
    hash = (hash * 0x100000001b3n) & 0xffffffffffffffffn;
  }
  return hash.toString(16).padStart(16, '0');
}
