/**
 * Deployment ids as the SQLite ledger stores them: a 16-byte blob.
 *
 * A ULID is 26 Crockford base32 characters, 130 bits of which the first two
 * are zero when the first character is 0-7 (every ULID the ulid package makes
 * before the year 10889). Those 128 bits, big-endian, sort bytewise exactly
 * as the text sorts, so ties in (deployed_at, id) keep their order while the
 * id takes 16 bytes instead of 26 in the row.
 *
 * Any other string (import accepts `^[0-9A-HJKMNP-TV-Z]{26}$`, so a first
 * character 8-Z is possible) is kept as 16 bytes of 0xFF followed by its
 * UTF-8 text: longer than every 16-byte form, so after all of them, and in
 * text order among themselves, which is where such an id sorts as text.
 */
const ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
const VALUE = new Int8Array(128).fill(-1);
for (let i = 0; i < ALPHABET.length; i++) VALUE[ALPHABET.charCodeAt(i)] = i;
const FALLBACK = Buffer.alloc(16, 0xff);

/** The stored form of an id (16 bytes for a ULID, more for anything else). */
export function encodeId(id: string): Buffer {
  if (id.length === 26 && id.charCodeAt(0) <= 0x37) {
    const out = Buffer.allocUnsafe(16);
    // 130 bits read 5 at a time into an accumulator, written 8 at a time;
    // the first character carries the 2 leading zero bits.
    let acc = 0;
    let bits = -2;
    let o = 0;
    for (let i = 0; i < 26; i++) {
      const v = VALUE[id.charCodeAt(i)] ?? -1;
      if (v < 0) return Buffer.concat([FALLBACK, Buffer.from(id, 'utf8')]);
      acc = ((acc << 5) | v) & 0x1fff;
      bits += 5;
      if (bits >= 8) {
        bits -= 8;
        out[o++] = (acc >> bits) & 0xff;
      }
    }
    return out;
  }
  return Buffer.concat([FALLBACK, Buffer.from(id, 'utf8')]);
}

/** The id as text again; the inverse of encodeId. */
export function decodeId(stored: Uint8Array): string {
  if (stored.length !== 16) return Buffer.from(stored.subarray(16)).toString('utf8');
  let text = '';
  let acc = 0;
  let bits = 2; // 2 leading zero bits make 130
  for (let i = 0; i < 16; i++) {
    acc = ((acc << 8) | (stored[i] ?? 0)) & 0x1fff;
    bits += 8;
    while (bits >= 5) {
      bits -= 5;
      text += ALPHABET[(acc >> bits) & 31];
    }
  }
  return text;
}

/**
 * The instant a stored id was made, in epoch ms (UTC): a ULID's first 48
 * bits, big-endian (the ULID specification); 0 for an id kept in the
 * fallback form, which has no time. The ledger stores recordedAt as its
 * offset from this (recorded_after_id, migration 12): 0 for a deployment
 * recorded here, whose id is made at its recording instant, so the column
 * takes no byte.
 */
export function idTime(stored: Uint8Array): number {
  if (stored.length !== 16) return 0;
  return Buffer.from(stored.buffer, stored.byteOffset, 6).readUIntBE(0, 6);
}
