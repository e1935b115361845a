package shingle

import (
	"bytes"
	"unicode/utf8"
)

// Markup remnants in scraped text are handled before tokenization:
//
//   - Character references are decoded: named ones from the table below
//     (the HTML Latin-1 set plus common punctuation), decimal &#NNN; and
//     hexadecimal &#xHH; ones (code points 0x80-0x9F are read as
//     Windows-1252, as browsers do; invalid ones become U+FFFD). The
//     semicolon is required. An unknown named reference (&foo;) becomes a
//     space. Decoding runs at most twice, so double-escaped text such as
//     "&amp;quot;" is also cleaned.
//   - Tags (<p>, </div>, <br/>, <a href="...">, <!DOCTYPE ...>, <!-- ... -->)
//     become a space, or a line break for block-level tags (br, p, div, li,
//     h1-h6, tr, ...), so that they mark a sentence start. A '<' that does
//     not start a tag closed by '>' within 1024 bytes is kept (and is then
//     punctuation).

const maxTagLen = 1024

var entities = func() map[string]rune {
	m := map[string]rune{
		"amp": '&', "lt": '<', "gt": '>', "quot": '"', "apos": '\'',
		"AMP": '&', "LT": '<', "GT": '>', "QUOT": '"',
		"ndash": 0x2013, "mdash": 0x2014, "lsquo": 0x2018, "rsquo": 0x2019,
		"sbquo": 0x201A, "ldquo": 0x201C, "rdquo": 0x201D, "bdquo": 0x201E,
		"hellip": 0x2026, "bull": 0x2022, "dagger": 0x2020, "Dagger": 0x2021,
		"prime": 0x2032, "Prime": 0x2033, "lsaquo": 0x2039, "rsaquo": 0x203A,
		"euro": 0x20AC, "trade": 0x2122, "permil": 0x2030, "minus": 0x2212,
		"zwnj": 0x200C, "zwj": 0x200D, "lrm": 0x200E, "rlm": 0x200F,
		"ensp": 0x2002, "emsp": 0x2003, "thinsp": 0x2009, "hyphen": 0x2010,
		"OElig": 0x0152, "oelig": 0x0153, "Scaron": 0x0160, "scaron": 0x0161,
		"Yuml": 0x0178, "fnof": 0x0192, "circ": 0x02C6, "tilde": 0x02DC,
		"Zcaron": 0x017D, "zcaron": 0x017E, "larr": 0x2190, "rarr": 0x2192,
		"uarr": 0x2191, "darr": 0x2193, "harr": 0x2194, "hearts": 0x2665,
		"NewLine": '\n', "Tab": '\t',
	}
	// The HTML 2/3.2 Latin-1 references, U+00A0 to U+00FF in order.
	latin1 := []string{
		"nbsp", "iexcl", "cent", "pound", "curren", "yen", "brvbar", "sect",
		"uml", "copy", "ordf", "laquo", "not", "shy", "reg", "macr",
		"deg", "plusmn", "sup2", "sup3", "acute", "micro", "para", "middot",
		"cedil", "sup1", "ordm", "raquo", "frac14", "frac12", "frac34", "iquest",
		"Agrave", "Aacute", "Acirc", "Atilde", "Auml", "Aring", "AElig", "Ccedil",
		"Egrave", "Eacute", "Ecirc", "Euml", "Igrave", "Iacute", "Icirc", "Iuml",
		"ETH", "Ntilde", "Ograve", "Oacute", "Ocirc", "Otilde", "Ouml", "times",
		"Oslash", "Ugrave", "Uacute", "Ucirc", "Uuml", "Yacute", "THORN", "szlig",
		"agrave", "aacute", "acirc", "atilde", "auml", "aring", "aelig", "ccedil",
		"egrave", "eacute", "ecirc", "euml", "igrave", "iacute", "icirc", "iuml",
		"eth", "ntilde", "ograve", "oacute", "ocirc", "otilde", "ouml", "divide",
		"oslash", "ugrave", "uacute", "ucirc", "uuml", "yacute", "thorn", "yuml",
	}
	for i, name := range latin1 {
		m[name] = rune(0xA0 + i)
	}
	return m
}()

// cp1252 maps the numeric references &#128; to &#159; as HTML does.
var cp1252 = [32]rune{
	0x20AC, 0x81, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021,
	0x02C6, 0x2030, 0x0160, 0x2039, 0x0152, 0x8D, 0x017D, 0x8F,
	0x90, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013, 0x2014,
	0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0x9D, 0x017E, 0x0178,
}

// parseEntity parses a character reference at the start of s (s[0] == '&').
// It returns the decoded rune (or -1 for an unknown named reference) and the
// length of the reference, or n == 0 if s does not start with one.
func parseEntity(s []byte) (r rune, n int) {
	if len(s) < 3 {
		return 0, 0
	}
	if s[1] == '#' {
		i := 2
		base := rune(10)
		if s[i] == 'x' || s[i] == 'X' {
			base = 16
			i++
		}
		start := i
		var v rune
		for i < len(s) && i-start <= 7 {
			d := hexVal(s[i])
			if d < 0 || rune(d) >= base {
				break
			}
			v = v*base + rune(d)
			i++
		}
		if i == start || i-start > 7 || i >= len(s) || s[i] != ';' {
			return 0, 0
		}
		switch {
		case v >= 0x80 && v <= 0x9F:
			v = cp1252[v-0x80]
		case v == 0 || v > utf8.MaxRune || (v >= 0xD800 && v <= 0xDFFF):
			v = utf8.RuneError
		}
		return v, i + 1
	}
	i := 1
	for i < len(s) && i <= 32 && isASCIIAlnum(s[i]) {
		i++
	}
	if i == 1 || !isASCIILetter(s[1]) || i >= len(s) || s[i] != ';' {
		return 0, 0
	}
	if v, ok := entities[string(s[1:i])]; ok {
		return v, i + 1
	}
	return -1, i + 1
}

func hexVal(c byte) int {
	switch {
	case c >= '0' && c <= '9':
		return int(c - '0')
	case c >= 'a' && c <= 'f':
		return int(c-'a') + 10
	case c >= 'A' && c <= 'F':
		return int(c-'A') + 10
	}
	return -1
}

func isASCIILetter(c byte) bool { return (c|0x20) >= 'a' && (c|0x20) <= 'z' }
func isASCIIAlnum(c byte) bool  { return isASCIILetter(c) || (c >= '0' && c <= '9') }

// decodeEntities appends src to dst with character references decoded. It
// reports whether any reference was decoded.
func decodeEntities(dst, src []byte) ([]byte, bool) {
	decoded := false
	for len(src) > 0 {
		j := bytes.IndexByte(src, '&')
		if j < 0 {
			dst = append(dst, src...)
			break
		}
		dst = append(dst, src[:j]...)
		src = src[j:]
		r, n := parseEntity(src)
		switch {
		case n == 0:
			dst = append(dst, '&')
			src = src[1:]
			continue
		case r < 0:
			dst = append(dst, ' ')
		default:
			dst = utf8.AppendRune(dst, r)
		}
		decoded = true
		src = src[n:]
	}
	return dst, decoded
}

// stripTags appends src to dst with tags and comments replaced by a space or
// a line break.
func stripTags(dst, src []byte) []byte {
	for len(src) > 0 {
		j := bytes.IndexByte(src, '<')
		if j < 0 {
			dst = append(dst, src...)
			break
		}
		dst = append(dst, src[:j]...)
		src = src[j:]
		n, block := parseTag(src)
		if n == 0 {
			dst = append(dst, '<')
			src = src[1:]
			continue
		}
		if block {
			dst = append(dst, '\n')
		} else {
			dst = append(dst, ' ')
		}
		src = src[n:]
	}
	return dst
}

// parseTag returns the length of the tag or comment at the start of s
// (s[0] == '<'), or 0, and whether it is a block-level tag.
func parseTag(s []byte) (n int, block bool) {
	if len(s) < 3 {
		return 0, false
	}
	if bytes.HasPrefix(s, []byte("<!--")) {
		end := bytes.Index(s[4:], []byte("-->"))
		if end < 0 {
			return 0, false
		}
		return 4 + end + 3, false
	}
	i := 1
	switch {
	case s[1] == '!' || s[1] == '?':
		i = 2
	case s[1] == '/':
		i = 2
		if !isASCIILetter(s[2]) {
			return 0, false
		}
	case !isASCIILetter(s[1]):
		return 0, false
	}
	nameStart := i
	for i < len(s) && isASCIIAlnum(s[i]) {
		i++
	}
	name := s[nameStart:i]
	for ; i < len(s) && i < maxTagLen; i++ {
		switch s[i] {
		case '>':
			return i + 1, isBlockTag(name)
		case '<':
			return 0, false
		}
	}
	return 0, false
}

var blockTags = []string{
	"br", "p", "div", "li", "ul", "ol", "h1", "h2", "h3", "h4", "h5", "h6",
	"tr", "table", "blockquote", "section", "article", "header", "footer",
	"hr", "pre", "dd", "dt", "dl", "figure", "figcaption", "title", "td", "th",
}

func isBlockTag(name []byte) bool {
	if len(name) == 0 || len(name) > 10 {
		return false
	}
	for _, b := range blockTags {
		if len(b) == len(name) && bytes.EqualFold(name, []byte(b)) {
			return true
		}
	}
	return false
}

// cleanMarkup returns text with markup remnants removed, using a and b as
// scratch buffers (returned for reuse). It returns text itself when there is
// nothing to clean.
func cleanMarkup(text, a, b []byte) (out, a2, b2 []byte) {
	out = text
	if bytes.IndexByte(out, '&') >= 0 {
		var dec bool
		a, dec = decodeEntities(a[:0], out)
		out = a
		if dec && bytes.IndexByte(out, '&') >= 0 {
			b, _ = decodeEntities(b[:0], out)
			out = b
			a, b = b, a
		}
	}
	if bytes.IndexByte(out, '<') >= 0 {
		// out is text or a; b is free.
		b = stripTags(b[:0], out)
		out = b
	}
	return out, a, b
}
