package extract

import "bytes"

// strip appends to dst a copy of the HTML page src without the parts that
// the extractor throws away before it looks for text, so that the parser
// builds (and the extractor walks, clones and queries) a much smaller tree:
//
//   - <script> elements, except those whose type mentions "json" (JSON-LD
//     and the like carry the title and publication date on many sites);
//   - <style>, <iframe>, <noembed> and <noframes> elements;
//   - inline <svg> images (icons and logos);
//   - HTML comments.
//
// Everything else, including <head>, <meta>, <title>, <link> and <time>,
// is copied byte for byte, and the text after a dropped element stays.
// <noscript> stays too: Blogger pages, for one, hold the article there, and
// the extractor's fallback finds it.
//
// strip tokenizes like golang.org/x/net/html (the parser FromHTML uses):
// the same rules for tags, attributes, comments and raw text, including
// the escaping rules of <script>. Where the parser's tree builder could
// read the bytes differently (inside <select> or <math>, an <svg> holding
// HTML or an unclosed element, anything unterminated), strip stops
// dropping and copies the rest of the page as it is, so a malformed page
// costs speed, never text.
func strip(dst, src []byte) []byte {
	var (
		i, last  int  // scan position; start of the pending verbatim run
		inSelect bool // between <select> and </select>: the parser ignores raw-text tags there
	)
	n := len(src)
	for {
		k := bytes.IndexByte(src[i:], '<')
		if k < 0 || i+k+1 >= n {
			break
		}
		i += k
		c := src[i+1]
		switch {
		case c == '!':
			if bytes.HasPrefix(src[i:], []byte("<!--")) {
				e := commentEnd(src, i+4)
				if e < 0 {
					return append(dst, src[last:]...)
				}
				if !canDrop(dst, src, last, i) {
					i = e
					continue
				}
				dst = append(dst, src[last:i]...)
				i, last = e, e
				continue
			}
			// A doctype or a bogus comment (CDATA is one outside foreign
			// content): up to the next '>'.
			fallthrough
		case c == '?':
			e := bytes.IndexByte(src[i+2:], '>')
			if e < 0 {
				return append(dst, src[last:]...)
			}
			i += 2 + e + 1
		case c == '/':
			if i+2 >= n {
				return append(dst, src[last:]...)
			}
			c2 := src[i+2]
			switch {
			case isLetter(c2):
				name, e := tagName(src, i+2)
				end, _ := scanTag(src, e)
				if end < 0 {
					return append(dst, src[last:]...)
				}
				if eqFold(name, "select") {
					inSelect = false
				}
				i = end
			case c2 == '>':
				i += 3
			default:
				e := bytes.IndexByte(src[i+2:], '>')
				if e < 0 {
					return append(dst, src[last:]...)
				}
				i += 2 + e + 1
			}
		case isLetter(c):
			name, e := tagName(src, i+1)
			end, typ := scanTag(src, e)
			if end < 0 {
				return append(dst, src[last:]...)
			}
			selfClosing := src[end-2] == '/'
			switch kind := rawKind(name); {
			case kind == rawScript:
				cEnd := scriptEnd(src, end)
				if containsFold(typ, "json") {
					if cEnd < 0 {
						return append(dst, src[last:]...)
					}
					i = cEnd // the end tag is copied like any other
					continue
				}
				e := elementEnd(src, cEnd, len("script"))
				if e < 0 {
					return append(dst, src[last:]...)
				}
				if !canDrop(dst, src, last, i) {
					i = e
					continue
				}
				dst = append(dst, src[last:i]...)
				i, last = e, e
			case kind == rawDrop && !inSelect:
				e := elementEnd(src, rawEnd(src, end, name), len(name))
				if e < 0 {
					return append(dst, src[last:]...)
				}
				if !canDrop(dst, src, last, i) {
					i = e
					continue
				}
				dst = append(dst, src[last:i]...)
				i, last = e, e
			case kind == rawDrop || kind == rawKeep:
				// Raw text or RCDATA the parser keeps (<title>,
				// <textarea>, <xmp>, <noscript>): skip to its end tag.
				cEnd := rawEnd(src, end, name)
				if cEnd < 0 {
					return append(dst, src[last:]...)
				}
				i = cEnd
			case kind == rawRest:
				// <plaintext>: the rest of the page is text.
				return append(dst, src[last:]...)
			case eqFold(name, "svg") && !inSelect:
				e := end
				if !selfClosing {
					e = svgEnd(src, end)
				}
				if e < 0 {
					return append(dst, src[last:]...)
				}
				if !canDrop(dst, src, last, i) {
					i = e
					continue
				}
				dst = append(dst, src[last:i]...)
				i, last = e, e
			case eqFold(name, "math") || eqFold(name, "svg"):
				// Foreign content, where raw-text tags are ordinary
				// elements: not worth following.
				return append(dst, src[last:]...)
			default:
				if eqFold(name, "select") {
					inSelect = true
				}
				i = end
			}
		default:
			i++ // a '<' that starts no tag is text
		}
	}
	return append(dst, src[last:]...)
}

// canDrop reports whether strip may drop the markup at src[i]: not when
// the output so far ends in '<', which would then start a tag with the
// bytes after the dropped part. last is the start of the pending verbatim
// run src[last:i].
func canDrop(dst, src []byte, last, i int) bool {
	switch {
	case last < i:
		return src[i-1] != '<'
	case len(dst) > 0:
		return dst[len(dst)-1] != '<'
	}
	return true
}

// Raw-text elements, by what strip does with them.
const (
	rawNone   = iota
	rawScript // <script>: dropped unless its type mentions JSON
	rawDrop   // dropped
	rawKeep   // kept, content skipped
	rawRest   // <plaintext>: the rest of the page is text
)

// rawKind classifies the elements whose content the tokenizer reads as raw
// text or RCDATA.
func rawKind(name []byte) int {
	if len(name) < 3 || len(name) > 9 {
		return rawNone
	}
	switch {
	case eqFold(name, "script"):
		return rawScript
	case eqFold(name, "style"), eqFold(name, "iframe"), eqFold(name, "noembed"), eqFold(name, "noframes"):
		return rawDrop
	case eqFold(name, "title"), eqFold(name, "textarea"), eqFold(name, "xmp"), eqFold(name, "noscript"):
		return rawKeep
	case eqFold(name, "plaintext"):
		return rawRest
	}
	return rawNone
}

// tagName returns the tag name starting at src[p] and the position after
// it (x/net/html's readTagName).
func tagName(src []byte, p int) ([]byte, int) {
	s := p
	for p < len(src) {
		switch src[p] {
		case ' ', '\n', '\r', '\t', '\f':
			return src[s:p], p + 1
		case '/', '>':
			return src[s:p], p
		}
		p++
	}
	return src[s:p], p
}

// scanTag reads a tag's attributes from src[p] (just after the tag name)
// and returns the position after the closing '>', or -1 when the page ends
// inside the tag; it also returns the value of the first type attribute. It
// follows x/net/html's readTag, readTagAttrKey and readTagAttrVal.
func scanTag(src []byte, p int) (end int, typ []byte) {
	n := len(src)
	gotType := false
	for {
		p = skipSpace(src, p)
		if p >= n {
			return -1, nil
		}
		if src[p] == '>' {
			return p + 1, typ
		}
		// Attribute name; a leading '=' belongs to it.
		ks := p
	key:
		for p < n {
			switch src[p] {
			case '=':
				if p == ks {
					p++
					continue
				}
				break key
			case ' ', '\n', '\r', '\t', '\f', '/', '>':
				break key
			}
			p++
		}
		key := src[ks:p]
		// Attribute value.
		p = skipSpace(src, p)
		if p >= n {
			return -1, nil
		}
		switch src[p] {
		case '/':
			p++
			continue
		case '=':
			p++
		default:
			continue
		}
		p = skipSpace(src, p)
		if p >= n {
			return -1, nil
		}
		var val []byte
		switch q := src[p]; q {
		case '>':
		case '"', '\'':
			e := bytes.IndexByte(src[p+1:], q)
			if e < 0 {
				return -1, nil
			}
			val = src[p+1 : p+1+e]
			p += 1 + e + 1
		default:
			s := p
		unquoted:
			for p < n {
				switch src[p] {
				case ' ', '\n', '\r', '\t', '\f', '>':
					break unquoted
				}
				p++
			}
			val = src[s:p]
		}
		if !gotType && eqFold(key, "type") {
			typ, gotType = val, true
		}
	}
}

func skipSpace(src []byte, p int) int {
	for p < len(src) {
		switch src[p] {
		case ' ', '\n', '\r', '\t', '\f':
			p++
		default:
			return p
		}
	}
	return p
}

// rawEnd returns the position of the end tag "</name" that ends the raw
// text starting at src[p], or -1 if the page ends first.
func rawEnd(src []byte, p int, name []byte) int {
	for {
		k := bytes.Index(src[p:], []byte("</"))
		if k < 0 {
			return -1
		}
		p += k
		if isRawEndTag(src, p, name) {
			return p
		}
		p += 2
	}
}

// isRawEndTag reports whether src[p:] starts with "</name" followed by
// white space, '/' or '>' (x/net/html's readRawEndTag).
func isRawEndTag(src []byte, p int, name []byte) bool {
	q := p + 2 + len(name)
	if q >= len(src) || src[p+1] != '/' || !bytes.EqualFold(src[p+2:q], name) {
		return false
	}
	switch src[q] {
	case ' ', '\n', '\r', '\t', '\f', '/', '>':
		return true
	}
	return false
}

// elementEnd returns the position after the end tag at src[p] (a position
// rawEnd or scriptEnd returned), or -1.
func elementEnd(src []byte, p, nameLen int) int {
	if p < 0 {
		return -1
	}
	end, _ := scanTag(src, p+2+nameLen)
	return end
}

var scriptName = []byte("script")

// scriptEnd returns the position of the "</script" that ends the script
// text starting at src[p], or -1 if the page ends first.
func scriptEnd(src []byte, p int) int {
	e := rawEnd(src, p, scriptName)
	if e >= 0 && bytes.Contains(src[p:e], []byte("<!--")) {
		// An escaped script can hide "</script>" inside "<!-- -->".
		return scriptEndEscaped(src, p)
	}
	return e
}

// scriptEndEscaped follows the script data states of the HTML tokenizer
// (x/net/html's readScript), escaped and double-escaped ones included.
func scriptEndEscaped(src []byte, p int) int {
	const (
		data = iota
		escaped
		escapedDash
		escapedDashDash
		doubleEscaped
		doubleEscapedDash
		doubleEscapedDashDash
	)
	n := len(src)
	state := data
	for p < n {
		c := src[p]
		p++
		switch state {
		case data:
			if c != '<' {
				continue
			}
			if p >= n {
				return -1
			}
			switch src[p] {
			case '/':
				if isRawEndTag(src, p-1, scriptName) {
					return p - 1
				}
				p++
			case '!':
				if p+2 < n && src[p+1] == '-' && src[p+2] == '-' {
					p += 3
					state = escapedDashDash
				}
			}
		case escaped, escapedDash, escapedDashDash:
			switch {
			case c == '-' && state == escaped:
				state = escapedDash
			case c == '-':
				state = escapedDashDash
			case c == '>' && state == escapedDashDash:
				state = data
			case c == '<':
				if p >= n {
					return -1
				}
				switch d := src[p]; {
				case d == '/':
					if isRawEndTag(src, p-1, scriptName) {
						return p - 1
					}
					p++
					state = escaped
				case isLetter(d):
					if q := p + len("script"); q < n && bytes.EqualFold(src[p:q], scriptName) && isTagBoundary(src[q]) {
						p = q + 1
						state = doubleEscaped
					} else {
						state = escaped
					}
				default:
					state = data
				}
			default:
				state = escaped
			}
		default: // double-escaped states
			switch {
			case c == '-' && state == doubleEscaped:
				state = doubleEscapedDash
			case c == '-':
				state = doubleEscapedDashDash
			case c == '>' && state == doubleEscapedDashDash:
				state = data
			case c == '<':
				state = doubleEscaped
				if p < n && src[p] == '/' {
					p++
					if isRawEndTag(src, p-2, scriptName) {
						p += len("script") + 1
						state = escaped
					}
				}
			default:
				state = doubleEscaped
			}
		}
	}
	return -1
}

func isTagBoundary(c byte) bool {
	switch c {
	case ' ', '\n', '\r', '\t', '\f', '/', '>':
		return true
	}
	return false
}

// commentEnd returns the position after the comment whose text starts at
// src[p] (just after "<!--"), or -1 if the page ends first
// (x/net/html's readComment).
func commentEnd(src []byte, p int) int {
	dashes, beginning := 0, true
	for p < len(src) {
		c := src[p]
		p++
		switch c {
		case '-':
			dashes++
			continue
		case '>':
			if dashes >= 2 || beginning {
				return p
			}
		case '!':
			if dashes >= 2 {
				if p >= len(src) {
					return -1
				}
				c = src[p]
				p++
				if c == '>' {
					return p
				}
				if c == '-' {
					dashes, beginning = 1, false
					continue
				}
			}
		}
		dashes, beginning = 0, false
	}
	return -1
}

// svgEnd returns the position after the </svg> that closes the <svg>
// element whose content starts at src[p], or -1 when the element holds
// anything the parser might not keep inside it: HTML elements that break
// out of foreign content, raw-text elements, <foreignObject>, markup in
// <title> or <desc>, CDATA, or an end tag of an element that is not open.
func svgEnd(src []byte, p int) int {
	var stackBuf [32][]byte
	stack := append(stackBuf[:0], []byte("svg"))
	n := len(src)
	for {
		k := bytes.IndexByte(src[p:], '<')
		if k < 0 || p+k+1 >= n {
			return -1
		}
		p += k
		c := src[p+1]
		switch {
		case c == '!':
			if !bytes.HasPrefix(src[p:], []byte("<!--")) {
				return -1
			}
			if p = commentEnd(src, p+4); p < 0 {
				return -1
			}
		case c == '/':
			if p+2 >= n || !isLetter(src[p+2]) {
				return -1
			}
			name, e := tagName(src, p+2)
			end, _ := scanTag(src, e)
			if end < 0 {
				return -1
			}
			j := len(stack) - 1
			for j >= 0 && !bytes.EqualFold(stack[j], name) {
				j--
			}
			if j < 0 {
				return -1
			}
			if stack = stack[:j]; len(stack) == 0 {
				return end
			}
			p = end
		case isLetter(c):
			name, e := tagName(src, p+1)
			end, _ := scanTag(src, e)
			integration := eqFold(name, "title") || eqFold(name, "desc")
			if end < 0 || !integration && breaksForeign(name) {
				return -1
			}
			p = end
			if src[end-2] == '/' {
				continue
			}
			if integration {
				// HTML integration points: allow plain text only.
				k := bytes.IndexByte(src[p:], '<')
				if k < 0 || !isRawEndTag(src, p+k, name) {
					return -1
				}
				p += k
			}
			if len(stack) == cap(stack) {
				return -1
			}
			stack = append(stack, name)
		case c == '?':
			return -1
		default:
			p++
		}
	}
}

// breaksForeign reports the start tags that end foreign content (the HTML
// breakout list, with <font> whatever its attributes), raw-text elements,
// and the elements whose content the parser reads as HTML or MathML.
func breaksForeign(name []byte) bool {
	if rawKind(name) != rawNone {
		return true
	}
	var lower [16]byte
	if len(name) > len(lower) {
		return false
	}
	for i, c := range name {
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		lower[i] = c
	}
	switch string(lower[:len(name)]) {
	case "b", "big", "blockquote", "body", "br", "center", "code", "dd", "div", "dl", "dt",
		"em", "embed", "h1", "h2", "h3", "h4", "h5", "h6", "head", "hr", "i", "img", "li",
		"listing", "menu", "meta", "nobr", "ol", "p", "pre", "ruby", "s", "small", "span",
		"strong", "strike", "sub", "sup", "table", "tt", "u", "ul", "var", "font",
		"foreignobject", "math", "template":
		return true
	}
	return false
}

// containsFold reports whether b contains the lower-case ASCII string s,
// ignoring ASCII case.
func containsFold(b []byte, s string) bool {
	for i := 0; i+len(s) <= len(b); i++ {
		if eqFold(b[i:i+len(s)], s) {
			return true
		}
	}
	return false
}

func isLetter(c byte) bool { return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' }

// eqFold reports whether b equals the lower-case ASCII string s, ignoring
// ASCII case.
func eqFold(b []byte, s string) bool {
	if len(b) != len(s) {
		return false
	}
	for i := range len(b) {
		c := b[i]
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		if c != s[i] {
			return false
		}
	}
	return true
}
