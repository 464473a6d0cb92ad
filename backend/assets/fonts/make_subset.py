"""Rebuild Gloock-Initials.ttf: the glyphs the initials avatar needs, nothing else.

Source: npm package @fontsource/gloock 5.3.0 (Gloock 1.000, SIL OFL 1.1,
Copyright 2022 The Gloock Project Authors, https://github.com/duartp/gloock).

    npm pack @fontsource/gloock@5.3.0 && tar xzf fontsource-gloock-5.3.0.tgz
    python -m venv /tmp/fontvenv && /tmp/fontvenv/bin/pip install fonttools brotli uharfbuzz
    /tmp/fontvenv/bin/python make_subset.py package/files Gloock-Initials.ttf

Kept: A-Z, 0-9, "?", the upper-case letters of Latin-1 and Latin Extended-A.
The GPOS pair kerning between ASCII letters and digits is baked into a legacy
`kern` table (the only kerning ab_glyph reads); pairs with accented letters are
left out to keep the file small (the renderer centres the ink, so they still
look balanced).
Hinting, GSUB/GPOS/GDEF and glyph names are dropped: ab_glyph does not use them.
"""

import io
import sys
import unicodedata

import uharfbuzz as hb
from fontTools import subset
from fontTools.ttLib import TTFont, newTable
from fontTools.ttLib.tables._k_e_r_n import KernTable_format_0

MIN_KERN = 10  # font units (1000 per em); smaller pairs are invisible at avatar size


def wanted_latin():
    chars = [chr(c) for c in range(ord("A"), ord("Z") + 1)]
    chars += [chr(c) for c in range(ord("0"), ord("9") + 1)]
    chars += ["?"]
    chars += [chr(c) for c in range(0xC0, 0xDF) if c != 0xD7]  # À..Þ without ×
    chars += ["\u0152"]  # Œ
    return chars


def wanted_ext(cmap):
    return [chr(c) for c in range(0x100, 0x180)
            if c in cmap and unicodedata.category(chr(c)) == "Lu"]


def do_subset(font, chars):
    opts = subset.Options()
    opts.hinting = False
    opts.layout_features = []
    opts.drop_tables += ["GSUB", "GPOS", "GDEF", "gasp", "fpgm", "prep", "cvt "]
    opts.name_IDs = ["*"]
    opts.name_languages = ["*"]
    opts.notdef_outline = False
    opts.glyph_names = True
    sub = subset.Subsetter(opts)
    sub.populate(unicodes=[ord(c) for c in chars])
    sub.subset(font)
    return font


def ttf_bytes(font):
    buf = io.BytesIO()
    font.flavor = None
    font.save(buf)
    return buf.getvalue()


def main(src_dir, out_path):
    # Keep the source head.modified so reruns give identical bytes.
    latin_src = TTFont(f"{src_dir}/gloock-latin-400-normal.woff2", recalcTimestamp=False)
    ext_src = TTFont(f"{src_dir}/gloock-latin-ext-400-normal.woff2")
    latin_blob = ttf_bytes(TTFont(f"{src_dir}/gloock-latin-400-normal.woff2"))
    latin_cmap = latin_src.getBestCmap()

    # The split files overlap a little (e.g. U+0102 sits in the latin one): take
    # each character from the first file that maps it.
    ext_a = wanted_ext(set(latin_cmap) | set(ext_src.getBestCmap()))
    latin_chars = [c for c in wanted_latin() + ext_a if ord(c) in latin_cmap]
    ext_chars = [c for c in ext_a if ord(c) not in latin_cmap]

    base = do_subset(latin_src, latin_chars)
    ext = do_subset(ext_src, ext_chars)

    # Same source font, so equal glyph names are equal glyphs: copy what is missing.
    order = base.getGlyphOrder()
    for name in ext.getGlyphOrder():
        if name in base["glyf"].glyphs:
            continue
        order.append(name)
        base["glyf"].glyphs[name] = ext["glyf"][name]
        base["hmtx"].metrics[name] = ext["hmtx"].metrics[name]
    base.setGlyphOrder(order)
    base["glyf"].glyphOrder = order
    ext_cmap = ext.getBestCmap()
    for table in base["cmap"].tables:
        if table.isUnicode():
            for c in ext_chars:
                table.cmap[ord(c)] = ext_cmap[ord(c)]
    base["maxp"].numGlyphs = len(order)
    base["hhea"].numberOfHMetrics = len(order)

    # Kerning measured with HarfBuzz on the full latin file (GPOS, all lookups).
    face = hb.Face(latin_blob)
    hbfont = hb.Font(face)

    def advance_pair(a, b):
        buf = hb.Buffer()
        buf.add_str(a + b)
        buf.guess_segment_properties()
        hb.shape(hbfont, buf, {"kern": True})
        pos = buf.glyph_positions
        info = buf.glyph_infos
        if len(pos) != 2:
            return 0
        return pos[0].x_advance - hbfont.get_glyph_h_advance(info[0].codepoint)

    all_chars = latin_chars + ext_chars
    ascii_chars = [c for c in all_chars if c.isascii() and c.isalnum()]
    final_cmap = base.getBestCmap()
    pairs = {}
    for a in ascii_chars:
        for b in ascii_chars:
            v = advance_pair(a, b)
            if abs(v) >= MIN_KERN:
                pairs[(final_cmap[ord(a)], final_cmap[ord(b)])] = v

    kern = newTable("kern")
    kern.version = 0
    st = KernTable_format_0()
    st.version = 0
    st.coverage = 1  # horizontal
    st.format = 0
    st.kernTable = pairs
    kern.kernTables = [st]
    base["kern"] = kern

    base["post"].formatType = 3.0
    base.flavor = None
    base.save(out_path)
    print(f"{len(all_chars)} chars, {len(order)} glyphs, {len(pairs)} kern pairs -> {out_path}")


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
