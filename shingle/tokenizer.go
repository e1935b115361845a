package shingle

import (
	"slices"
	"unicode"
	"unicode/utf8"

	"github.com/storyclust/storyclust/internal/alnum"
	"golang.org/x/text/unicode/norm"
)

// UnicodeTokenizer splits text into words on Unicode word boundaries and
// normalizes each word (NFKC, full case folding, optionally diacritic
// folding). The rules are given in the package documentation.
//
// The zero value is ready to use. A UnicodeTokenizer keeps scratch buffers
// between calls, so it must not be used by several goroutines at once, and
// the Term of the tokens it returns is only valid until its next Tokenize
// call. Tokenize never modifies text.
type UnicodeTokenizer struct {
	// FoldDiacritics removes nonspacing marks after canonical
	// decomposition (é -> e, ё -> е), then recomposes.
	FoldDiacritics bool

	markA, markB []byte // markup-cleaned text
	nfkc         []byte // NFKC of the current non-ASCII chunk
	terms        []byte // term storage
	z            tokNorm
	chunked      bool // tests: no fused ASCII path (asciiWords), chunks only
}

// Tokenize implements Tokenizer.
func (t *UnicodeTokenizer) Tokenize(dst []Token, text []byte) []Token {
	t.terms = t.terms[:0]
	text, t.markA, t.markB = cleanMarkup(text, t.markA, t.markB)
	start := true
	for i := 0; i < len(text); {
		c := text[i]
		if c < utf8.RuneSelf {
			if cl := asciiClass[c]; cl <= cEnd {
				if cl == cEnd {
					start = true
				}
				i++
				continue
			}
			if !t.chunked {
				// All ASCII chunks from here on; i is then the end or
				// the start of a chunk with a non-ASCII byte.
				if dst, i = t.asciiWords(dst, text, i, &start); i == len(text) {
					break
				}
			}
		}
		// A chunk runs up to the next ASCII separator. ASCII separators
		// never compose with their neighbours under NFKC in a way that
		// could change the words (see doc.go), so chunks are normalized
		// independently, and all-ASCII chunks not at all.
		j := i
		hi := byte(0)
		for j < len(text) {
			c := text[j]
			if c < utf8.RuneSelf && asciiClass[c] <= cEnd {
				break
			}
			hi |= c
			j++
		}
		switch chunk := text[i:j]; {
		case hi < utf8.RuneSelf:
			dst = t.asciiChunk(dst, chunk, &start)
		case utf8.Valid(chunk):
			dst = t.unicodeChunk(dst, chunk, &start)
		default:
			// Invalid UTF-8 separates words: NFKC does not normalize
			// across it, so each valid piece is a chunk of its own.
			for len(chunk) > 0 {
				n := 0
				for n < len(chunk) {
					r, size := utf8.DecodeRune(chunk[n:])
					if r == utf8.RuneError && size == 1 {
						break
					}
					n += size
				}
				if n > 0 {
					dst = t.unicodeChunk(dst, chunk[:n], &start)
				}
				if n == len(chunk) {
					break
				}
				chunk = chunk[n+1:]
			}
		}
		i = j
	}
	return dst
}

// asciiChunk tokenizes a chunk of ASCII letters, digits and ' . , bytes.
// The terms it adds are at most len(chunk) bytes, so t.terms is grown once
// and written by index.
func (t *UnicodeTokenizer) asciiChunk(dst []Token, chunk []byte, start *bool) []Token {
	terms := slices.Grow(t.terms, len(chunk))
	n := len(terms)
	terms = terms[:cap(terms)]
	for k := 0; k < len(chunk); {
		c := chunk[k]
		if asciiWord[c] == 0 {
			if asciiClass[c] == cPoint {
				*start = true
			}
			k++
			continue
		}
		off := n
		capital := c >= 'A' && c <= 'Z'
		for k < len(chunk) {
			// Copy a run of letters and digits, lower-cased.
			for k < len(chunk) {
				m := asciiWord[chunk[k]]
				if m == 0 {
					break
				}
				terms[n] = m
				n++
				k++
			}
			if k+1 >= len(chunk) {
				break
			}
			join, add := asciiJoin(chunk, k)
			if !join {
				break
			}
			if add != 0 {
				terms[n] = add
				n++
			}
			k++
		}
		dst = append(dst, Token{Term: terms[off:n:n], Cap: capital, Start: *start})
		*start = false
	}
	t.terms = terms[:n]
	return dst
}

// asciiWords is asciiChunk fused with finding the chunks: from text[i] (an
// ASCII byte that is not a separator) on, it tokenizes chunk after chunk in
// one pass while they are all ASCII. It stops at the end of text or at the
// start of the first chunk that holds a non-ASCII byte, which then takes the
// general path; the tokens and *start are those of the chunks before it. The
// tokens equal asciiChunk's on each chunk: a joiner is looked at together
// with the byte after it, and an ASCII separator never continues a word.
func (t *UnicodeTokenizer) asciiWords(dst []Token, text []byte, i int, start *bool) ([]Token, int) {
	terms := t.terms
	if cap(terms)-len(terms) < len(text)-i {
		terms = slices.Grow(terms, len(text)-i)
	}
	n := len(terms)
	terms = terms[:cap(terms)]
	// Where the current chunk started, to go back to.
	chunkK, chunkD, chunkN, chunkStart := i, len(dst), n, *start
	k := i
	for k < len(text) {
		c := text[k]
		if asciiWord[c] == 0 {
			if c >= utf8.RuneSelf {
				if punct3(text, k) {
					// Typographic quotes and dashes separate words
					// (’ only joins them, below).
					k += 3
					continue
				}
				t.terms = terms[:chunkN]
				*start = chunkStart
				return dst[:chunkD], chunkK
			}
			cl := asciiClass[c]
			if cl <= cEnd {
				if cl == cEnd {
					*start = true
				}
				k++
				chunkK, chunkD, chunkN, chunkStart = k, len(dst), n, *start
				continue
			}
			if cl == cPoint {
				*start = true
			}
			k++
			continue
		}
		off := n
		capital := c >= 'A' && c <= 'Z'
		for {
			// terms has room for the rest of text: at most one byte of
			// terms was written per byte of text consumed.
			r := alnum.LowerRun(terms[n:], text[k:])
			n += r
			k += r
			if k+3 < len(text) && text[k] == 0xE2 && text[k+1] == 0x80 && text[k+2] == 0x99 && asciiWord[text[k+3]] != 0 {
				// ’ between word characters, as ' does.
				terms[n] = '\''
				n++
				k += 3
				continue
			}
			if k+1 >= len(text) || text[k] >= utf8.RuneSelf || text[k+1] >= utf8.RuneSelf {
				// The end, or a non-ASCII byte that the outer loop meets.
				break
			}
			join, add := asciiJoin(text, k)
			if !join {
				break
			}
			if add != 0 {
				terms[n] = add
				n++
			}
			k++
		}
		dst = append(dst, Token{Term: terms[off:n:n], Cap: capital, Start: *start})
		*start = false
	}
	t.terms = terms[:n]
	return dst, k
}

// punct3 reports whether text[k:] starts with one of ‘ ’ “ ” – —, which the
// fused ASCII path passes over as separators: NFKC leaves each alone and
// none combines with a neighbour, so a chunk that holds them needs no
// normalization (TestPunct3Classes checks this against the tables).
func punct3(text []byte, k int) bool {
	if k+2 >= len(text) || text[k] != 0xE2 || text[k+1] != 0x80 {
		return false
	}
	switch text[k+2] {
	case 0x98, 0x99, 0x9C, 0x9D, 0x93, 0x94: // U+2018 2019 201C 201D 2013 2014
		return true
	}
	return false
}

// asciiJoin reports whether the ASCII byte s[k], after a word character
// and before s[k+1] (both ASCII), joins them into one word, and the byte it
// adds to the term, if any: an apostrophe before a letter or digit ('), a
// point between digits (.), a comma between digits (nothing: 1,000 is 1000).
func asciiJoin(s []byte, k int) (join bool, add byte) {
	c, next := asciiClass[s[k]], asciiClass[s[k+1]]
	switch {
	case c == cApos && (next == cLetter || next == cDigit):
		return true, '\''
	case (c == cPoint || c == cComma) && next == cDigit && asciiClass[s[k-1]] == cDigit:
		if c == cPoint {
			return true, '.'
		}
		return true, 0
	}
	return false, 0
}

// asciiWord maps an ASCII letter or digit (classes cLetter and cDigit) to
// itself lower-cased, and every other byte to 0.
var asciiWord = &alnum.Lower

// next decodes the rune at src[k] and classifies it. With check, a rune
// that may change under NFKC (or any rune outside the BMP) yields cRedo.
func next(tb *runeTables, src []byte, k int, check bool) (rune, int, class) {
	c := src[k]
	if c < utf8.RuneSelf {
		return rune(c), 1, asciiClass[c]
	}
	r, size := utf8.DecodeRune(src[k:])
	switch {
	case r == utf8.RuneError && size == 1:
		return r, 1, cSep
	case r >= 0x10000:
		if check {
			return r, size, cRedo
		}
		return r, size, classify(r)
	case check && tb.nfkcOK[r>>6]&(1<<(r&63)) == 0:
		return r, size, cRedo
	}
	return r, size, tb.class[r]
}

// unicodeChunk tokenizes a chunk that contains non-ASCII bytes.
//
// Most text is already in NFKC, so the chunk is first tokenized as it is,
// checking each rune against a table of runes that NFKC leaves alone and
// that never combine with a preceding rune (a string of such runes is in
// NFKC). If another rune turns up, the chunk's tokens are discarded and it
// is tokenized again after NFKC.
func (t *UnicodeTokenizer) unicodeChunk(dst []Token, chunk []byte, start *bool) []Token {
	tb := tables()
	n0, terms0, start0 := len(dst), len(t.terms), *start
	dst, ok := t.scanChunk(dst, chunk, start, tb, true)
	if ok {
		return dst
	}
	dst, t.terms, *start = dst[:n0], t.terms[:terms0], start0
	t.nfkc = t.z.it.append(t.nfkc[:0], norm.NFKC, chunk)
	dst, _ = t.scanChunk(dst, t.nfkc, start, tb, false)
	return dst
}

// scanChunk tokenizes src. With check, it stops and reports false at the
// first rune that is not known to be in NFKC.
func (t *UnicodeTokenizer) scanChunk(dst []Token, src []byte, start *bool, tb *runeTables, check bool) ([]Token, bool) {
	dia := 0
	if t.FoldDiacritics {
		dia = 1
	}
	fast := &tb.fast[dia]
	for k := 0; k < len(src); {
		r, size, cl := next(tb, src, k, check)
		if cl == cRedo {
			return dst, false
		}
		if !cl.isWord() {
			if cl == cEnd || cl == cPoint {
				*start = true
			}
			k += size
			continue
		}
		off := len(t.terms)
		var capital bool
		if r < utf8.RuneSelf {
			capital = r >= 'A' && r <= 'Z'
		} else {
			capital = unicode.IsUpper(r) || unicode.IsTitle(r)
		}
		ideo := cl == cIdeo
		lastDigit := cl == cDigit
		slow := t.appendMapped(fast, r, src[k:k+size])
		k += size
	word:
		for k < len(src) {
			r, size, cl = next(tb, src, k, check)
			switch cl {
			case cRedo:
				return dst, false
			case cLetter, cDigit:
				if ideo {
					break word
				}
				if t.appendMapped(fast, r, src[k:k+size]) {
					slow = true
				}
				lastDigit = cl == cDigit
			case cMark:
				t.terms = append(t.terms, src[k:k+size]...)
				slow = true
				lastDigit = false
			case cIgnore:
			case cApos, cJoin, cPoint, cComma:
				if ideo || k+size >= len(src) {
					break word
				}
				_, _, ncl := next(tb, src, k+size, check)
				if ncl == cRedo {
					return dst, false
				}
				switch cl {
				case cApos:
					if ncl != cLetter && ncl != cDigit {
						break word
					}
					t.terms = append(t.terms, '\'')
				case cJoin:
					if ncl != cLetter && ncl != cDigit {
						break word
					}
					t.terms = append(t.terms, src[k:k+size]...)
				default: // cPoint, cComma
					if !lastDigit || ncl != cDigit {
						break word
					}
					if cl == cPoint {
						t.terms = append(t.terms, '.')
					}
				}
			default: // cSep, cEnd, cIdeo
				break word
			}
			k += size
		}
		if slow {
			w := t.z.normalize(t.terms[off:], t.FoldDiacritics)
			t.terms = append(t.terms[:off], w...)
		}
		end := len(t.terms)
		if end == off {
			continue
		}
		dst = append(dst, Token{Term: t.terms[off:end:end], Cap: capital, Start: *start})
		*start = false
	}
	return dst, true
}

// appendMapped appends the normalized form of the word rune r (encoded as
// raw) to t.terms. It reports whether the word needs the slow per-word
// normalization because r has no one-to-one mapping.
func (t *UnicodeTokenizer) appendMapped(fast *[0x10000]uint16, r rune, raw []byte) (slow bool) {
	if r < utf8.RuneSelf {
		c := byte(r)
		if c >= 'A' && c <= 'Z' {
			c += 'a' - 'A'
		}
		t.terms = append(t.terms, c)
		return false
	}
	if r < 0x10000 {
		if m := rune(fast[r]); m != 0 {
			if m < utf8.RuneSelf {
				t.terms = append(t.terms, byte(m))
			} else {
				t.terms = utf8.AppendRune(t.terms, m)
			}
			return false
		}
	}
	t.terms = append(t.terms, raw...)
	return true
}
