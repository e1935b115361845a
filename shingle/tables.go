package shingle

import (
	"bytes"
	"errors"
	"sync"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/cases"
	"golang.org/x/text/transform"
	"golang.org/x/text/unicode/norm"
)

// class is the tokenizer's character class of a rune (after NFKC).
type class uint8

const (
	cSep    class = iota // separator: punctuation, symbols, spaces, controls, unassigned
	cEnd                 // separator that ends a sentence (! ? 。 ؟ …) or a line
	cLetter              // letter or non-decimal number: starts or continues a word
	cDigit               // decimal digit (Nd): starts or continues a word
	cIdeo                // Han, Hiragana or Katakana: a one-rune word (plus following marks)
	cMark                // combining mark: continues a word, dropped elsewhere
	cApos                // ' or ’ (U+2019): kept as ' between word characters
	cPoint               // '.': kept between digits, otherwise ends a sentence
	cComma               // ',': dropped between digits, otherwise a separator
	cJoin                // ZWNJ/ZWJ (U+200C, U+200D): kept between word characters
	cIgnore              // dropped without splitting: soft hyphen, bidi controls, tatweel, ...
	cRedo                // not a class: the rune may change under NFKC (see next)
)

// asciiClass classifies the ASCII bytes; it is built by init from classify.
var asciiClass [utf8.RuneSelf]class

func init() {
	for c := range asciiClass {
		asciiClass[c] = classify(rune(c))
	}
}

// classify computes the class of r from the Unicode tables. It is slow; the
// tokenizer uses asciiClass and the lazily built BMP table instead.
func classify(r rune) class {
	switch r {
	case '\'', 0x2019:
		return cApos
	case '.':
		return cPoint
	case ',':
		return cComma
	case 0x200C, 0x200D:
		return cJoin
	case '!', '?', '\n', '\r', '\v', '\f',
		0x0085, 0x2028, 0x2029, // NEL, line and paragraph separators
		0x3002, 0xFF61, // ideographic full stop (and its half-width form)
		0x061F, 0x06D4, // Arabic question mark, Arabic full stop
		0x0964, 0x0965, // Devanagari danda, double danda
		0x0589, 0x1362, // Armenian full stop, Ethiopic full stop
		0x203C, 0x203D, 0x2047, 0x2048, 0x2049, // ‼ ‽ ⁇ ⁈ ⁉
		0x2026, 0xFF01, 0xFF1F: // … ！ ？
		return cEnd
	case 0x00AD, // soft hyphen
		0x0640, // Arabic tatweel (kashida)
		0x034F, // combining grapheme joiner
		0x180E: // Mongolian vowel separator
		return cIgnore
	case 0x200B: // zero width space: a word boundary
		return cSep
	}
	switch {
	case r >= 0xFE00 && r <= 0xFE0F, r >= 0xE0100 && r <= 0xE01EF: // variation selectors
		return cIgnore
	case unicode.IsLetter(r) || unicode.IsNumber(r):
		if isIdeo(r) {
			return cIdeo
		}
		if unicode.IsDigit(r) {
			return cDigit
		}
		return cLetter
	case unicode.IsMark(r):
		return cMark
	case unicode.Is(unicode.Cf, r):
		return cIgnore
	}
	return cSep
}

func isIdeo(r rune) bool {
	return r == 0x30FC || unicode.In(r, unicode.Han, unicode.Hiragana, unicode.Katakana)
}

// isWord reports whether c starts or continues a word (letters, digits,
// ideographs; not marks or joiners).
func (c class) isWord() bool { return c == cLetter || c == cDigit || c == cIdeo }

// runeTables holds the lazily built per-BMP-rune data.
type runeTables struct {
	class [0x10000]class
	// nfkcOK has bit r set when NFKC leaves the rune r unchanged and r
	// never combines with a preceding rune: a string of such runes (and
	// ASCII) is in NFKC.
	nfkcOK [0x10000 / 64]uint64
	// fast[d][r] is m != 0 when the rune r (a letter or number) normalizes
	// on its own to the single rune m under case folding (d=0) or case and
	// diacritic folding (d=1), m is a fixed point, and both r and m are
	// normalization boundaries (they never compose with a neighbour). Such
	// runes are mapped one by one instead of running the transforms.
	fast [2][0x10000]uint16
}

var (
	tablesOnce sync.Once
	tablesPtr  *runeTables
)

func tables() *runeTables {
	tablesOnce.Do(func() {
		t := new(runeTables)
		var z tokNorm
		var buf [utf8.UTFMax]byte
		for r := rune(0); r < 0x10000; r++ {
			c := classify(r)
			t.class[r] = c
			if r >= 0xD800 && r <= 0xDFFF {
				continue
			}
			src := buf[:utf8.EncodeRune(buf[:], r)]
			boundary := norm.NFKC.Properties(src).BoundaryBefore()
			if boundary && norm.NFKC.IsNormal(src) {
				t.nfkcOK[r>>6] |= 1 << (r & 63)
			}
			if r < utf8.RuneSelf || !boundary || (c != cLetter && c != cDigit && c != cIdeo) {
				continue
			}
			for d := range 2 {
				out := z.normalize(src, d == 1)
				m, size := utf8.DecodeRune(out)
				if size != len(out) || m >= 0x10000 || m == 0 || m == utf8.RuneError {
					continue
				}
				if mc := classify(m); mc != cLetter && mc != cDigit && mc != cIdeo {
					continue
				}
				if !norm.NFKC.Properties(out).BoundaryBefore() {
					continue
				}
				t.fast[d][r] = uint16(m)
			}
		}
		tablesPtr = t
	})
	return tablesPtr
}

// classOf returns the class of a non-ASCII rune.
func (t *runeTables) classOf(r rune) class {
	if r < 0x10000 {
		return t.class[r]
	}
	return classify(r)
}

// folder is the full Unicode case folding transformer; it is stateless and
// safe for concurrent use.
var folder = cases.Fold()

// maxNormIter bounds the fixed-point iteration of tokNorm.normalize.
const maxNormIter = 4

// tokNorm holds the scratch buffers of the per-token normalization.
type tokNorm struct {
	fold, nfd []byte
	out       [2][]byte
	it        normIter
}

// normIter normalizes without allocating: norm.Form.Append allocates its
// reorder buffer on every call that has work to do, while a reused
// norm.Iter keeps it.
type normIter struct {
	it norm.Iter
}

// append appends f(src) to dst.
func (n *normIter) append(dst []byte, f norm.Form, src []byte) []byte {
	if len(src) == 0 {
		return dst
	}
	n.it.Init(f, src)
	for !n.it.Done() {
		dst = append(dst, n.it.Next()...)
	}
	return dst
}

// normalize returns the fixed point of x -> NFKC(dia(fold(x))) for the word
// src, where dia is the diacritic folding (NFD, drop nonspacing marks) when
// diacritics is set and the identity otherwise. The result aliases z's
// buffers and is valid until the next call. src must not alias z's buffers.
func (z *tokNorm) normalize(src []byte, diacritics bool) []byte {
	cur := src
	for i := range maxNormIter {
		z.fold = foldAppend(z.fold[:0], cur)
		x := z.fold
		if diacritics {
			z.nfd = dropNonspacing(z.it.append(z.nfd[:0], norm.NFD, x))
			x = z.nfd
		}
		k := i & 1
		z.out[k] = z.it.append(z.out[k][:0], norm.NFKC, x)
		if bytes.Equal(z.out[k], cur) {
			return z.out[k]
		}
		cur = z.out[k]
	}
	return cur
}

// foldAppend appends the full case folding of src to dst.
func foldAppend(dst, src []byte) []byte {
	extra := 3*len(src) + 16
	for tries := 0; len(src) > 0; tries++ {
		if cap(dst)-len(dst) < extra {
			grown := make([]byte, len(dst), len(dst)+extra)
			copy(grown, dst)
			dst = grown
		}
		nDst, nSrc, err := folder.Transform(dst[len(dst):cap(dst)], src, true)
		dst = dst[:len(dst)+nDst]
		src = src[nSrc:]
		if err == nil {
			break
		}
		if !errors.Is(err, transform.ErrShortDst) || tries > 8 {
			// Not expected from a case folder; keep the rest unchanged.
			return append(dst, src...)
		}
		extra *= 2
	}
	return dst
}

// dropNonspacing removes the runes of category Mn from b in place.
func dropNonspacing(b []byte) []byte {
	w := 0
	for i := 0; i < len(b); {
		c := b[i]
		if c < utf8.RuneSelf {
			b[w] = c
			w++
			i++
			continue
		}
		r, size := utf8.DecodeRune(b[i:])
		if !unicode.Is(unicode.Mn, r) {
			w += copy(b[w:], b[i:i+size])
		}
		i += size
	}
	return b[:w]
}
