//! Input conversion to the 全銀 half-width character set, as banks keep
//! names: a customer on a phone that cannot type half-width kana types
//! hiragana or full-width katakana and still matches the bank's record.
//!
//! Rules: full-width ASCII (digits, letters, punctuation) becomes half-width;
//! hiragana and full-width katakana become half-width katakana, voiced kana
//! split into base + ﾞ/ﾟ (ｶﾞ is two characters, as the bank counts); small
//! kana become large (ｷｮｳｺ → ｷﾖｳｺ); the long-vowel marks ー/ｰ and dashes become
//! `-`; any run of spaces (full- or half-width) becomes one half-width space,
//! trimmed at both ends. The conversion is idempotent.

/// Full-width katakana (large, unvoiced) and their half-width forms, in step.
const FULL_KATA: &str =
    "アイウエオカキクケコサシスセソタチツテトナニヌネノハヒフヘホマミムメモヤユヨラリルレロワヲン";
const HALF_KATA: &str = "ｱｲｳｴｵｶｷｸｹｺｻｼｽｾｿﾀﾁﾂﾃﾄﾅﾆﾇﾈﾉﾊﾋﾌﾍﾎﾏﾐﾑﾒﾓﾔﾕﾖﾗﾘﾙﾚﾛﾜｦﾝ";

/// Half-width punctuation the 全銀 set allows in a name besides kana and space.
const NAME_PUNCT: &[char] = &['(', ')', '-', '.', '/'];

/// Is `c` in the accepted half-width set for names: ｦ, ｱ–ﾝ, ﾞ, ﾟ, space and
/// `( ) - . /`? (ｦ is part of the 全銀 kana set, so it is accepted too.)
pub fn is_accepted_name_char(c: char) -> bool {
    matches!(c, '\u{FF66}' | '\u{FF71}'..='\u{FF9F}' | ' ') || NAME_PUNCT.contains(&c)
}

/// Half-width digits from full-width ones, everything else untouched, then
/// trimmed: used for every numeric field.
pub fn normalize_digits(input: &str) -> String {
    input
        .trim()
        .chars()
        .map(|c| match c {
            '\u{FF10}'..='\u{FF19}' => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
            _ => c,
        })
        .collect()
}

/// Converts a name as typed into the half-width form the bank keeps.
pub fn normalize_name(input: &str) -> String {
    let mut out = String::with_capacity(input.len());
    for c in input.chars() {
        push_converted(c, &mut out);
    }
    collapse_spaces(&out)
}

fn push_converted(c: char, out: &mut String) {
    let c = match c {
        // Full-width ASCII block → ASCII.
        '\u{FF01}'..='\u{FF5E}' => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
        // Hiragana → full-width katakana (same layout, offset 0x60).
        '\u{3041}'..='\u{3096}' => char::from_u32(c as u32 + 0x60).unwrap_or(c),
        _ => c,
    };
    match c {
        c if c.is_whitespace() => out.push(' '),
        // Long vowel marks and dashes all become the 全銀 hyphen.
        'ー' | 'ｰ' | '‐' | '‑' | '–' | '—' | '−' | '―' => out.push('-'),
        // Stand-alone and combining voiced / semi-voiced marks.
        '゛' | '\u{3099}' => out.push('ﾞ'),
        '゜' | '\u{309A}' => out.push('ﾟ'),
        // Small half-width kana → large.
        'ｧ' => out.push('ｱ'),
        'ｨ' => out.push('ｲ'),
        'ｩ' => out.push('ｳ'),
        'ｪ' => out.push('ｴ'),
        'ｫ' => out.push('ｵ'),
        'ｬ' => out.push('ﾔ'),
        'ｭ' => out.push('ﾕ'),
        'ｮ' => out.push('ﾖ'),
        'ｯ' => out.push('ﾂ'),
        '\u{30A1}'..='\u{30FA}' => push_full_katakana(c, out),
        _ => out.push(c),
    }
}

/// Full-width katakana (U+30A1..U+30FA) → half-width, small → large, voiced
/// → base + mark.
fn push_full_katakana(c: char, out: &mut String) {
    let (base, mark) = match c {
        'ァ' => ('ア', None),
        'ィ' => ('イ', None),
        'ゥ' => ('ウ', None),
        'ェ' => ('エ', None),
        'ォ' => ('オ', None),
        'ッ' => ('ツ', None),
        'ャ' => ('ヤ', None),
        'ュ' => ('ユ', None),
        'ョ' => ('ヨ', None),
        'ヮ' => ('ワ', None),
        'ヵ' => ('カ', None),
        'ヶ' => ('ケ', None),
        'ヰ' => ('イ', None),
        'ヱ' => ('エ', None),
        'ヴ' => ('ウ', Some('ﾞ')),
        'ヷ' => ('ワ', Some('ﾞ')),
        'ヺ' => ('ヲ', Some('ﾞ')),
        // ガ..ド: voiced forms sit one code point after their base.
        'ガ' | 'ギ' | 'グ' | 'ゲ' | 'ゴ' | 'ザ' | 'ジ' | 'ズ' | 'ゼ' | 'ゾ' | 'ダ' | 'ヂ'
        | 'ヅ' | 'デ' | 'ド' => (prev(c, 1), Some('ﾞ')),
        // ハ行: ハ バ パ are consecutive.
        'バ' | 'ビ' | 'ブ' | 'ベ' | 'ボ' => (prev(c, 1), Some('ﾞ')),
        'パ' | 'ピ' | 'プ' | 'ペ' | 'ポ' => (prev(c, 2), Some('ﾟ')),
        _ => (c, None),
    };
    match FULL_KATA.chars().position(|k| k == base) {
        Some(i) => {
            if let Some(h) = HALF_KATA.chars().nth(i) {
                out.push(h);
            }
        }
        // Anything else in the block (e.g. ・) is kept and later refused.
        None => out.push(base),
    }
    if let Some(m) = mark {
        out.push(m);
    }
}

fn prev(c: char, by: u32) -> char {
    char::from_u32(c as u32 - by).unwrap_or(c)
}

fn collapse_spaces(s: &str) -> String {
    s.split(' ')
        .filter(|w| !w.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn real_names_convert_as_the_bank_keeps_them() {
        let table = [
            ("データ タロウ", "ﾃﾞ-ﾀ ﾀﾛｳ", "long vowel and dakuten"),
            (
                "でーた　たろう",
                "ﾃﾞ-ﾀ ﾀﾛｳ",
                "hiragana with full-width space",
            ),
            ("ﾃﾞｰﾀ ﾀﾛｳ", "ﾃﾞ-ﾀ ﾀﾛｳ", "half-width long vowel"),
            ("ヤマダ　ハナコ", "ﾔﾏﾀﾞ ﾊﾅｺ", "full-width katakana"),
            ("キョウコ", "ｷﾖｳｺ", "small kana become large"),
            ("ｷｮｳｺ", "ｷﾖｳｺ", "half-width small kana"),
            ("パク", "ﾊﾟｸ", "handakuten"),
            ("ヴィクトル", "ｳﾞｲｸﾄﾙ", "ヴ and small ィ"),
            (
                "  サトウ   ジロウ  ",
                "ｻﾄｳ ｼﾞﾛｳ",
                "spaces collapsed and trimmed",
            ),
            (
                "ボブ・ジョーンズ",
                "ﾎﾞﾌﾞ・ｼﾞﾖ-ﾝｽﾞ",
                "middle dot is kept (and later refused)",
            ),
            ("（カ）ヤマダ", "(ｶ)ﾔﾏﾀﾞ", "full-width parentheses"),
            ("ヱビス", "ｴﾋﾞｽ", "ヱ becomes ｴ"),
        ];
        for (input, want, why) in table {
            assert_eq!(normalize_name(input), want, "{why}");
        }
    }

    #[test]
    fn digits_become_half_width() {
        assert_eq!(normalize_digits(" １１５ "), "115");
        assert_eq!(normalize_digits("０９０1111３３３３"), "09011113333");
    }

    fn typeable() -> impl Strategy<Value = String> {
        // What a customer may plausibly type for a name: hiragana, katakana
        // (full and half), marks, spaces, dashes and the allowed punctuation.
        let alphabet: Vec<char> = ('\u{3041}'..='\u{3093}')
            .chain('\u{30A1}'..='\u{30F4}')
            .chain('\u{FF66}'..='\u{FF9F}')
            .chain("　 ーｰ－‐゛゜（）．／()-./".chars())
            .collect();
        proptest::collection::vec(proptest::sample::select(alphabet), 0..60)
            .prop_map(|v| v.into_iter().collect())
    }

    proptest! {
        #[test]
        fn conversion_is_idempotent(s in ".{0,60}") {
            let once = normalize_name(&s);
            prop_assert_eq!(normalize_name(&once), once);
        }

        #[test]
        fn typeable_names_land_in_the_accepted_set(s in typeable()) {
            let out = normalize_name(&s);
            prop_assert!(out.chars().all(is_accepted_name_char), "{:?} -> {:?}", s, out);
            prop_assert!(!out.starts_with(' ') && !out.ends_with(' ') && !out.contains("  "));
        }

        #[test]
        fn digits_idempotent(s in ".{0,20}") {
            let once = normalize_digits(&s);
            prop_assert_eq!(normalize_digits(&once), once);
        }
    }
}
