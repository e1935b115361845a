package shingle

import (
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/kljensen/snowball/english"
	"github.com/kljensen/snowball/french"
	"github.com/kljensen/snowball/hungarian"
	"github.com/kljensen/snowball/norwegian"
	"github.com/kljensen/snowball/russian"
	"github.com/kljensen/snowball/spanish"
	"github.com/kljensen/snowball/swedish"
)

type langID uint8

const (
	langEnglish langID = iota + 1
	langSpanish
	langFrench
	langRussian
	langSwedish
	langNorwegian
	langHungarian
)

// language is one of the Snowball languages, with its shared stem cache.
type language struct {
	id      langID
	name    string
	aliases []string
	cache   *termCache
}

var languages = func() []*language {
	ls := []*language{
		{id: langEnglish, name: "english", aliases: []string{"en"}},
		{id: langSpanish, name: "spanish", aliases: []string{"es"}},
		{id: langFrench, name: "french", aliases: []string{"fr"}},
		{id: langRussian, name: "russian", aliases: []string{"ru"}},
		{id: langSwedish, name: "swedish", aliases: []string{"sv"}},
		{id: langNorwegian, name: "norwegian", aliases: []string{"no", "nb"}},
		{id: langHungarian, name: "hungarian", aliases: []string{"hu"}},
	}
	for _, l := range ls {
		l.cache = newTermCache(defaultCacheEntries, l.stem)
	}
	return ls
}()

// lookupLanguage resolves a Config.Lang value; "" yields nil.
func lookupLanguage(name string) (*language, error) {
	if name == "" {
		return nil, nil
	}
	for _, l := range languages {
		if strings.EqualFold(name, l.name) {
			return l, nil
		}
		for _, a := range l.aliases {
			if strings.EqualFold(name, a) {
				return l, nil
			}
		}
	}
	return nil, fmt.Errorf("shingle: language %q: %w", name, ErrUnknownLanguage)
}

func requireLanguage(name string) (*language, error) {
	if name == "" {
		return nil, fmt.Errorf("shingle: empty language: %w", ErrUnknownLanguage)
	}
	return lookupLanguage(name)
}

// maxStopLen is longer than any Snowball stopword (the longest is 14 bytes),
// and short enough for string(b) to stay on the stack in isStop.
const maxStopLen = 32

// isStop reports whether w is a stopword. The direct calls let the compiler
// see that the string does not escape, so the conversion does not allocate.
func (l *language) isStop(w []byte) bool {
	if len(w) > maxStopLen {
		return false
	}
	switch l.id {
	case langEnglish:
		return english.IsStopWord(string(w))
	case langSpanish:
		return spanish.IsStopWord(string(w))
	case langFrench:
		return french.IsStopWord(string(w))
	case langRussian:
		return russian.IsStopWord(string(w))
	case langSwedish:
		return swedish.IsStopWord(string(w))
	case langNorwegian:
		return norwegian.IsStopWord(string(w))
	case langHungarian:
		return hungarian.IsStopWord(string(w))
	}
	return false
}

// stem returns the Snowball stem of the normalized word w (stopwords are
// stemmed too). A panic in the stemmer (not expected) yields w.
func (l *language) stem(w string) (s string) {
	defer func() {
		if recover() != nil {
			s = w
		}
	}()
	switch l.id {
	case langEnglish:
		s = english.Stem(w, true)
	case langSpanish:
		s = spanish.Stem(w, true)
	case langFrench:
		s = french.Stem(w, true)
	case langRussian:
		s = russian.Stem(w, true)
	case langSwedish:
		s = swedish.Stem(w, true)
	case langNorwegian:
		s = norwegian.Stem(w, true)
	case langHungarian:
		s = hungarian.Stem(w, true)
	default:
		s = w
	}
	if s == "" {
		// Never turn a word into nothing.
		s = w
	}
	return s
}

// stemmable reports whether w is stemmed: it is at most maxCachedLen bytes
// long and starts with a letter of the language's script (Latin, or
// Cyrillic for Russian), so numbers and words of other scripts are kept as
// they are.
func (l *language) stemmable(w []byte) bool {
	if len(w) == 0 || len(w) > maxCachedLen {
		return false
	}
	c := w[0]
	if c < utf8.RuneSelf {
		return l.id != langRussian && c >= 'a' && c <= 'z'
	}
	r, _ := utf8.DecodeRune(w)
	if l.id == langRussian {
		return r >= 0x0400 && r <= 0x052F
	}
	return (r >= 0x00C0 && r <= 0x024F) || (r >= 0x1E00 && r <= 0x1EFF)
}

// stemCached returns the stem of w from the language's cache, or w itself
// when it is not stemmable.
func (l *language) stemCached(w []byte) []byte {
	if !l.stemmable(w) {
		return w
	}
	return l.cache.get(w)
}
