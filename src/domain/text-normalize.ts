/**
 * Text keys for matching what people typed in different scripts and widths: names (張三 finds 张三) and addresses
 * (北京市東城區…12號院3棟 matches …12号院3栋). Keys are for comparison and indexes only, never for display.
 */
import * as OpenCC from 'opencc-js';

type Convert = (text: string) => string;

// Building a converter loads its dictionaries into tries (about a third of a second), so each is built on first
// use and kept: processes that never search or import never pay for it.
let simplifiers: Convert[] | null = null;
const traditionalizers = new Map<TraditionalVariant, Convert>();

export type TraditionalVariant = 't' | 'tw' | 'hk';

// Text without a CJK ideograph has nothing to convert; names in Latin script and most cells of a file skip the tries.
const HAN = /[\u3400-\u9fff\uf900-\ufaff\u{20000}-\u{3134f}]/u;

/**
 * Traditional Chinese (Taiwan, Hong Kong or OpenCC standard forms) to simplified. The Hong Kong and Taiwan
 * converters each undo their region's variant characters (衞, 着/著) before the common traditional-to-simplified
 * step, so they run one after the other; a plain 't' converter would add nothing after them.
 */
export function toSimplified(text: string): string {
  if (!HAN.test(text)) return text;
  simplifiers ??= [OpenCC.Converter({ from: 'hk', to: 'cn' }), OpenCC.Converter({ from: 'tw', to: 'cn' })];
  let out = text;
  for (const convert of simplifiers) out = convert(out);
  return out;
}

/** Simplified Chinese to traditional: OpenCC standard forms by default, or Taiwan or Hong Kong ones. */
export function toTraditional(text: string, variant: TraditionalVariant = 't'): string {
  if (!HAN.test(text)) return text;
  let convert = traditionalizers.get(variant);
  if (convert === undefined) {
    convert = OpenCC.Converter({ from: 'cn', to: variant });
    traditionalizers.set(variant, convert);
  }
  return convert(text);
}

// The separator dot of transliterated names (阿依古丽·买买提) is typed as any of these.
const NAME_DOTS = /[·・•‧∙⋅●．.]/g;

/**
 * The key under which a person's name is searched and deduplicated: full-width forms folded (NFKC), simplified
 * script, no whitespace anywhere, Latin letters lower-cased, one kind of separator dot.
 */
export function nameSearchKey(name: string): string {
  return toSimplified(name.normalize('NFKC'))
    .replace(/\s+/g, '')
    .replace(NAME_DOTS, '·')
    .toLowerCase();
}

export interface AddressOptions {
  /** Leading parts to strip when they open the address (a city and district every row repeats), in any script. */
  dropPrefixes?: readonly string[];
}

/**
 * The key under which addresses are compared. People write the same door as 12號院3棟2單元301室, １２号院3#楼2单元301
 * or 12号院3幢2单元301: width and script are folded, the words for building (栋/棟/幢/号楼/#楼) become 栋, the
 * optional 室 after a room number goes, dashes become '-', and whitespace and other punctuation disappear.
 */
export function normalizeAddress(addr: string, opts: AddressOptions = {}): string {
  let key = addressKey(addr);
  const prefixes = (opts.dropPrefixes ?? [])
    .map((p) => addressKey(p))
    .filter((p) => p !== '')
    .sort((a, b) => b.length - a.length);
  // Repeatedly, so that 北京市东城区 drops both parts whichever order the options list them in.
  for (let stripped = true; stripped; ) {
    stripped = false;
    for (const p of prefixes) {
      if (key.startsWith(p) && key.length > p.length) {
        key = key.slice(p.length);
        stripped = true;
      }
    }
  }
  return key;
}

// One trailing part of a door below the building: a room (301), a unit (2单元), a floor (3层), or a dashed part (-2).
const DOOR_PART = /(?:-?\d+(?:单元|层|楼|户)?)$/;

/**
 * The keys a building may have that an address key continues: a register writes the building and the door
 * (多福巷12号院3栋2单元301), the building list only the building (多福巷12号院3栋). Returns the key with one, two and
 * three trailing door parts removed, longest first; never a key without a letter before the parts removed.
 */
export function buildingKeysOf(key: string): string[] {
  const out: string[] = [];
  let k = key;
  for (let i = 0; i < 3; i++) {
    const m = DOOR_PART.exec(k);
    if (!m || m[0].length === 0 || m.index === 0) break;
    k = k.slice(0, m.index);
    if (!/\p{L}/u.test(k)) break;
    out.push(k);
  }
  return out;
}

function addressKey(addr: string): string {
  let key = toSimplified(addr.normalize('NFKC'));
  // Removing one piece can bring two others together (1，室 → 1室), so the rewriting runs until nothing changes.
  for (let previous = ''; previous !== key; ) {
    previous = key;
    key = rewriteAddress(key);
  }
  return key;
}

function rewriteAddress(s: string): string {
  return (
    s
      .replace(/\s+/g, '')
      .toUpperCase()
      // OpenCC already simplifies these; spelled out so the key never depends on a dictionary's coverage.
      .replace(/號/g, '号')
      .replace(/單/g, '单')
      // Every dash and tilde-like joiner (3-2-301, 3—2—301) is the same separator.
      .replace(/[\p{Pd}~〜～−]/gu, '-')
      // In 3#楼 and 3#, '#' stands for 号.
      .replace(/#/g, '号')
      .replace(/(\d+)(?:号楼|号栋|号幢|楼栋|幢|棟|栋)/g, '$1栋')
      .replace(/(\d+)室/g, '$1')
      .replace(/[^\p{L}\p{N}-]/gu, '')
  );
}
