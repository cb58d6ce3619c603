// git paths are bytes, not text: a name may hold bytes that are not UTF-8.
// Decoding them the usual way turns every invalid byte into U+FFFD, so two
// different files collapse into one name. Here a path that is valid UTF-8 is
// kept as it is; one that is not keeps each invalid byte as `\xNN` (and its
// backslashes as `\\`), which encodePath turns back into the same bytes.
import { isUtf8 } from 'node:buffer';

/** The stored form of the path held in `bytes[start, end)`. */
export function decodePath(bytes: Buffer, start = 0, end = bytes.length): string {
  const slice = bytes.subarray(start, end);
  if (isUtf8(slice)) return slice.toString('utf8');
  let out = '';
  let at = 0;
  while (at < slice.length) {
    const length = validSequence(slice, at);
    if (length === 0) {
      out += `\\x${slice[at]!.toString(16).padStart(2, '0')}`;
      at += 1;
    } else {
      const text = slice.toString('utf8', at, at + length);
      out += text === '\\' ? '\\\\' : text;
      at += length;
    }
  }
  return out;
}

/** The bytes git knows a stored path by (the inverse of decodePath). */
export function encodePath(path: string): Buffer {
  if (!/\\x[0-9a-f]{2}/.test(path)) return Buffer.from(path, 'utf8');
  const parts: Buffer[] = [];
  let text = '';
  for (let at = 0; at < path.length; at += 1) {
    const char = path[at]!;
    if (char === '\\' && path[at + 1] === '\\') {
      text += '\\';
      at += 1;
    } else if (char === '\\' && path[at + 1] === 'x' && /^[0-9a-f]{2}$/.test(path.slice(at + 2, at + 4))) {
      parts.push(Buffer.from(text, 'utf8'), Buffer.from([Number.parseInt(path.slice(at + 2, at + 4), 16)]));
      text = '';
      at += 3;
    } else text += char;
  }
  parts.push(Buffer.from(text, 'utf8'));
  return Buffer.concat(parts);
}

/** How many bytes the well-formed UTF-8 sequence at `at` spans; 0 when the byte there starts none. */
function validSequence(bytes: Buffer, at: number): number {
  const lead = bytes[at]!;
  if (lead < 0x80) return 1;
  const length =
    lead >= 0xc2 && lead <= 0xdf
      ? 2
      : lead >= 0xe0 && lead <= 0xef
        ? 3
        : lead >= 0xf0 && lead <= 0xf4
          ? 4
          : 0;
  if (length === 0 || at + length > bytes.length) return 0;
  return isUtf8(bytes.subarray(at, at + length)) ? length : 0;
}
