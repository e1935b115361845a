// Package corpus reads the AllSides benchmark articles and synthesizes larger
// corpora from them by seeded perturbation.
//
// The input is JSON Lines (optionally gzip-compressed) with the fields of
// ../shared/data/allsides-20k.jsonl.gz: doc_id, title, text, source, url,
// date, topic. Written corpora use the same fields, so one set of storyclust
// flags (-fields id=doc_id) reads both.
package corpus

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/storyclust/storyclust"
)

// Doc is one article as stored in the file.
type Doc struct {
	ID     string `json:"doc_id"`
	Source string `json:"source,omitempty"`
	Topic  string `json:"topic,omitempty"`
	Date   string `json:"date,omitempty"`
	URL    string `json:"url,omitempty"`
	Title  string `json:"title"`
	Text   string `json:"text"`
}

// Article converts d for the storyclust library. A date that is not
// YYYY-MM-DD is left out (the AllSides file has a few like "12/19/18").
func (d *Doc) Article() storyclust.Article {
	a := storyclust.Article{ID: d.ID, Title: d.Title, Text: d.Text, Source: d.Source, URL: d.URL}
	a.Published, _ = time.Parse(time.DateOnly, d.Date)
	return a
}

// HeldBytes is the size of the strings a reader of d keeps in memory: id,
// title, text, source and url.
func (d *Doc) HeldBytes() int64 {
	return int64(len(d.ID) + len(d.Title) + len(d.Text) + len(d.Source) + len(d.URL))
}

// Read parses the first n lines of a JSON Lines file (all of them when
// n <= 0), gzip-compressed or not. It returns the documents and the
// uncompressed bytes of the lines read, newlines included.
func Read(path string, n int) ([]Doc, int64, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, 0, err
	}
	defer f.Close()
	br := bufio.NewReaderSize(f, 1<<16)
	var r io.Reader = br
	if magic, _ := br.Peek(2); len(magic) == 2 && magic[0] == 0x1f && magic[1] == 0x8b {
		gz, err := gzip.NewReader(br)
		if err != nil {
			return nil, 0, fmt.Errorf("%s: %w", path, err)
		}
		defer gz.Close()
		r = gz
	}
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 1<<20), 64<<20)
	var (
		docs  []Doc
		bytes int64
	)
	for (n <= 0 || len(docs) < n) && sc.Scan() {
		line := sc.Bytes()
		bytes += int64(len(line)) + 1
		if len(strings.TrimSpace(string(line))) == 0 {
			continue
		}
		var d Doc
		if err := json.Unmarshal(line, &d); err != nil {
			return nil, 0, fmt.Errorf("%s line %d: %w", path, len(docs)+1, err)
		}
		docs = append(docs, d)
	}
	if err := sc.Err(); err != nil {
		return nil, 0, fmt.Errorf("%s: %w", path, err)
	}
	return docs, bytes, nil
}

// Write writes docs as JSON Lines (uncompressed) and returns the bytes
// written.
func Write(path string, docs []Doc) (int64, error) {
	f, err := os.Create(path)
	if err != nil {
		return 0, err
	}
	w := bufio.NewWriterSize(f, 1<<20)
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	for i := range docs {
		if err := enc.Encode(&docs[i]); err != nil {
			f.Close()
			return 0, err
		}
	}
	if err := w.Flush(); err != nil {
		f.Close()
		return 0, err
	}
	st, err := f.Stat()
	if err != nil {
		f.Close()
		return 0, err
	}
	return st.Size(), f.Close()
}

// Synthesize returns factor copies of docs: copy 0 is docs itself, and copy
// c > 0 of document i has id "<id>-s<c>" and each word of its title and text
// replaced, with probability rate, by a word drawn from the corpus
// vocabulary. The result depends only on docs, factor, rate and seed.
func Synthesize(docs []Doc, factor int, rate float64, seed uint64) []Doc {
	vocab := vocabulary(docs, 5000)
	out := make([]Doc, 0, len(docs)*factor)
	out = append(out, docs...)
	var buf []byte
	for c := 1; c < factor; c++ {
		for i := range docs {
			rng := rand.New(rand.NewPCG(seed, uint64(c)<<32|uint64(i)))
			d := docs[i]
			d.ID = fmt.Sprintf("%s-s%d", d.ID, c)
			buf = perturb(buf[:0], d.Title, rate, vocab, rng)
			d.Title = string(buf)
			buf = perturb(buf[:0], d.Text, rate, vocab, rng)
			d.Text = string(buf)
			out = append(out, d)
		}
	}
	return out
}

// Perturb returns text with each word replaced, with probability rate, by
// a word of vocab. Words are runs of letters and digits; everything else
// (spaces, punctuation, line breaks) is kept.
func Perturb(text string, rate float64, vocab []string, rng *rand.Rand) string {
	return string(perturb(nil, text, rate, vocab, rng))
}

func perturb(dst []byte, text string, rate float64, vocab []string, rng *rand.Rand) []byte {
	for len(text) > 0 {
		w := wordLen(text)
		if w == 0 {
			_, size := utf8.DecodeRuneInString(text)
			dst = append(dst, text[:size]...)
			text = text[size:]
			continue
		}
		if len(vocab) > 0 && rng.Float64() < rate {
			dst = append(dst, vocab[rng.IntN(len(vocab))]...)
		} else {
			dst = append(dst, text[:w]...)
		}
		text = text[w:]
	}
	return dst
}

func wordLen(s string) int {
	n := 0
	for n < len(s) {
		r, size := utf8.DecodeRuneInString(s[n:])
		if !unicode.IsLetter(r) && !unicode.IsDigit(r) {
			break
		}
		n += size
	}
	return n
}

// Vocabulary returns up to max distinct lower-case words of docs, in order
// of first appearance.
func Vocabulary(docs []Doc, max int) []string { return vocabulary(docs, max) }

func vocabulary(docs []Doc, max int) []string {
	seen := map[string]bool{}
	var out []string
	for i := range docs {
		text := docs[i].Text
		for len(text) > 0 && len(out) < max {
			w := wordLen(text)
			if w == 0 {
				_, size := utf8.DecodeRuneInString(text)
				text = text[size:]
				continue
			}
			word := string(bytes.ToLower([]byte(text[:w])))
			if !seen[word] {
				seen[word] = true
				out = append(out, word)
			}
			text = text[w:]
		}
		if len(out) >= max {
			break
		}
	}
	return out
}
