package main

import (
	"bytes"
	"encoding/binary"
	"math/bits"
	"unicode/utf16"
	"unicode/utf8"
	"unsafe"
)

// A validating scanner for the JSON Lines fast path. scanObject accepts
// exactly the texts that are one JSON object (RFC 8259, as encoding/json
// reads them) and records the raw values of the wanted top-level keys; it
// rejects everything else, including what it does not handle (escaped keys,
// nesting deeper than maxScanDepth), and the caller then falls back to
// encoding/json, which gives the error message. It also rejects invalid
// UTF-8 (a non-ASCII byte outside a string is a syntax error anyway, and
// str checks the strings): the caller then replaces it and scans again.

const maxScanDepth = 1000

// scanField is a wanted key and, after scanObject, its raw value (nil when
// absent; the last occurrence wins, as in encoding/json).
type scanField struct {
	name string
	raw  []byte
	esc  bool // raw is a string with escapes
}

type jsonScanner struct {
	b     []byte
	i     int
	depth int
}

// scanObject scans b as one JSON object, filling fields.
func scanObject(b []byte, fields []scanField) bool {
	for i := range fields {
		fields[i].raw, fields[i].esc = nil, false
	}
	s := jsonScanner{b: b}
	s.ws()
	if s.i >= len(b) || b[s.i] != '{' {
		return false
	}
	s.i++
	s.ws()
	if s.i < len(b) && b[s.i] == '}' {
		s.i++
		return s.end()
	}
	for {
		s.ws()
		if s.i >= len(b) || b[s.i] != '"' {
			return false
		}
		ks, ke, kesc, ok := s.str()
		if !ok || kesc {
			return false
		}
		s.ws()
		if s.i >= len(b) || b[s.i] != ':' {
			return false
		}
		s.i++
		s.ws()
		vs := s.i
		esc, ok := s.value()
		if !ok {
			return false
		}
		key := b[ks:ke]
		for j := range fields {
			if fields[j].name == string(key) {
				fields[j].raw, fields[j].esc = b[vs:s.i], esc
			}
		}
		s.ws()
		if s.i >= len(b) {
			return false
		}
		switch b[s.i] {
		case ',':
			s.i++
			continue
		case '}':
			s.i++
			return s.end()
		}
		return false
	}
}

func (s *jsonScanner) end() bool {
	s.ws()
	return s.i == len(s.b)
}

func (s *jsonScanner) ws() {
	for s.i < len(s.b) {
		switch s.b[s.i] {
		case ' ', '\t', '\n', '\r':
			s.i++
		default:
			return
		}
	}
}

// str scans the string at s.i (which is '"') and returns the span of its
// contents and whether it has escapes.
func (s *jsonScanner) str() (start, end int, esc, ok bool) {
	b := s.b
	i := s.i + 1
	start = i
	for i < len(b) {
		// Eight plain bytes at a time, up to the next byte that is not.
		for i+8 <= len(b) {
			if m := unplainBytes(binary.LittleEndian.Uint64(b[i:])); m != 0 {
				i += bits.TrailingZeros64(m) >> 3
				break
			}
			i += 8
		}
		if i >= len(b) {
			break
		}
		c := b[i]
		if plainStringByte[c] {
			i++
			continue
		}
		switch {
		case c == '"':
			s.i = i + 1
			return start, i, esc, true
		case c == '\\':
			esc = true
			i++
			if i >= len(b) {
				return 0, 0, false, false
			}
			switch b[i] {
			case '"', '\\', '/', 'b', 'f', 'n', 'r', 't':
				i++
			case 'u':
				if i+4 >= len(b) {
					return 0, 0, false, false
				}
				for _, h := range b[i+1 : i+5] {
					if !isHex(h) {
						return 0, 0, false, false
					}
				}
				i += 5
			default:
				return 0, 0, false, false
			}
		case c < 0x20:
			return 0, 0, false, false
		default: // not ASCII: one valid UTF-8 sequence, as utf8.Valid takes them
			r, size := utf8.DecodeRune(b[i:])
			if r == utf8.RuneError && size == 1 {
				return 0, 0, false, false
			}
			i += size
		}
	}
	return 0, 0, false, false
}

// unplainBytes returns x (eight bytes, little-endian) with the top bit of
// its lowest byte that is not a plainStringByte set, and maybe of higher
// bytes, or 0 if all eight are plain. (The zero-byte test borrows only
// upwards from a byte it flags, so the lowest flag is always right.)
func unplainBytes(x uint64) uint64 {
	const lsb, msb = 0x0101010101010101, 0x8080808080808080
	q := x ^ '"'*lsb
	bs := x ^ '\\'*lsb
	return ((q-lsb)&^q | (bs-lsb)&^bs | (x-0x20*lsb)&^x | x) & msb
}

// plainStringByte marks the ASCII bytes that stand for themselves in a
// JSON string: not '"', '\\' or a control character. (str checks the other
// bytes as UTF-8.)
var plainStringByte = func() (t [256]bool) {
	for c := range t {
		t[c] = c >= 0x20 && c < utf8.RuneSelf && c != '"' && c != '\\'
	}
	return t
}()

func isHex(c byte) bool {
	return '0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F'
}

func isDigit(c byte) bool { return '0' <= c && c <= '9' }

// value scans one value; esc reports a string with escapes.
func (s *jsonScanner) value() (esc, ok bool) {
	b := s.b
	if s.i >= len(b) {
		return false, false
	}
	switch c := b[s.i]; {
	case c == '"':
		_, _, esc, ok = s.str()
		return esc, ok
	case c == '{' || c == '[':
		return false, s.container(c)
	case c == 't':
		return false, s.lit("true")
	case c == 'f':
		return false, s.lit("false")
	case c == 'n':
		return false, s.lit("null")
	case c == '-' || isDigit(c):
		return false, s.num()
	}
	return false, false
}

func (s *jsonScanner) lit(w string) bool {
	if len(s.b)-s.i < len(w) || string(s.b[s.i:s.i+len(w)]) != w {
		return false
	}
	s.i += len(w)
	return true
}

func (s *jsonScanner) num() bool {
	b, i := s.b, s.i
	if b[i] == '-' {
		i++
	}
	switch {
	case i >= len(b):
		return false
	case b[i] == '0':
		i++
	case isDigit(b[i]):
		for i < len(b) && isDigit(b[i]) {
			i++
		}
	default:
		return false
	}
	if i < len(b) && b[i] == '.' {
		i++
		if i >= len(b) || !isDigit(b[i]) {
			return false
		}
		for i < len(b) && isDigit(b[i]) {
			i++
		}
	}
	if i < len(b) && (b[i] == 'e' || b[i] == 'E') {
		i++
		if i < len(b) && (b[i] == '+' || b[i] == '-') {
			i++
		}
		if i >= len(b) || !isDigit(b[i]) {
			return false
		}
		for i < len(b) && isDigit(b[i]) {
			i++
		}
	}
	s.i = i
	return true
}

// container scans an object or array (open is '{' or '[').
func (s *jsonScanner) container(open byte) bool {
	s.depth++
	if s.depth > maxScanDepth {
		return false
	}
	defer func() { s.depth-- }()
	b := s.b
	close := byte(']')
	if open == '{' {
		close = '}'
	}
	s.i++
	s.ws()
	if s.i < len(b) && b[s.i] == close {
		s.i++
		return true
	}
	for {
		s.ws()
		if open == '{' {
			if s.i >= len(b) || b[s.i] != '"' {
				return false
			}
			if _, _, _, ok := s.str(); !ok {
				return false
			}
			s.ws()
			if s.i >= len(b) || b[s.i] != ':' {
				return false
			}
			s.i++
			s.ws()
		}
		if _, ok := s.value(); !ok {
			return false
		}
		s.ws()
		if s.i >= len(b) {
			return false
		}
		switch b[s.i] {
		case ',':
			s.i++
		case close:
			s.i++
			return true
		default:
			return false
		}
	}
}

// unquote decodes a JSON string (with its quotes) that scanObject accepted,
// as encoding/json does: escapes resolved, a \u escape of an unpaired UTF-16
// surrogate becomes U+FFFD.
func unquote(raw []byte) string {
	s := raw[1 : len(raw)-1]
	if bytes.IndexByte(s, '\\') < 0 {
		return string(s)
	}
	out := unescapeTo(make([]byte, 0, len(s)), s)
	return unsafe.String(unsafe.SliceData(out), len(out)) // out is not used again
}

// unquoteOwned is unquote for a raw string whose memory the caller hands
// over: the string it returns is raw's own bytes, unescaped in place (an
// escape never decodes to more bytes than it has), so raw must not be read
// or written again. It saves copying every article's text once.
func unquoteOwned(raw []byte) string {
	s := raw[1 : len(raw)-1]
	if len(s) == 0 {
		return ""
	}
	if bytes.IndexByte(s, '\\') >= 0 {
		s = unescapeTo(s[:0], s)
	}
	return unsafe.String(unsafe.SliceData(s), len(s))
}

// unescapeTo appends to out the JSON string body s with its escapes
// resolved. out may be s[:0]: every write is at or behind the read offset.
func unescapeTo(out, s []byte) []byte {
	i := bytes.IndexByte(s, '\\')
	if i < 0 {
		i = len(s)
	}
	for {
		out = append(out, s[:i]...)
		s = s[i:]
		if len(s) == 0 {
			break
		}
		// s[0] == '\\'
		switch c := s[1]; c {
		case 'u':
			r := getu4(s)
			s = s[6:]
			if utf16.IsSurrogate(r) {
				if len(s) >= 6 && s[0] == '\\' && s[1] == 'u' {
					if d := utf16.DecodeRune(r, getu4(s)); d != utf8.RuneError {
						out = utf8.AppendRune(out, d)
						s = s[6:]
						break
					}
				}
				r = utf8.RuneError
			}
			out = utf8.AppendRune(out, r)
		default:
			out = append(out, unescape[c])
			s = s[2:]
		}
		if i = bytes.IndexByte(s, '\\'); i < 0 {
			i = len(s)
		}
	}
	return out
}

var unescape = [256]byte{'"': '"', '\\': '\\', '/': '/', 'b': '\b', 'f': '\f', 'n': '\n', 'r': '\r', 't': '\t'}

// getu4 decodes the 4 hex digits of the \u escape at the start of s.
func getu4(s []byte) rune {
	var r rune
	for _, c := range s[2:6] {
		switch {
		case '0' <= c && c <= '9':
			c -= '0'
		case 'a' <= c && c <= 'f':
			c = c - 'a' + 10
		default:
			c = c - 'A' + 10
		}
		r = r<<4 | rune(c)
	}
	return r
}
