package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/storyclust/storyclust"
	"github.com/storyclust/storyclust/internal/gunzip"
)

// errBadInput marks errors in the user's data (exit code 1).
var errBadInput = errors.New("bad input")

// record is one input article plus what the CLI needs beside it.
type record struct {
	art  storyclust.Article
	gold string // value of the -gold field, if asked for
	src  string // file:line, for messages
	html string // page to extract the article from (see extract.Fill), or ""
}

// fieldMap maps the canonical field names to the names used in the input.
type fieldMap map[string]string

var canonicalFields = []string{"id", "title", "text", "published", "source", "url", "lang", "html"}

func parseFields(spec string) (fieldMap, error) {
	m := fieldMap{}
	for _, f := range canonicalFields {
		m[f] = f
	}
	if spec == "" {
		return m, nil
	}
	for _, kv := range strings.Split(spec, ",") {
		k, v, ok := strings.Cut(strings.TrimSpace(kv), "=")
		k, v = strings.TrimSpace(k), strings.TrimSpace(v)
		if !ok || k == "" || v == "" {
			return nil, fmt.Errorf("-fields: %q is not name=input_name", kv)
		}
		if _, known := m[k]; !known {
			return nil, fmt.Errorf("-fields: unknown field %q (known: %s)", k, strings.Join(canonicalFields, ", "))
		}
		m[k] = v
	}
	return m, nil
}

// reader reads articles from JSON Lines and text files.
type reader struct {
	fields   fieldMap
	gold     string   // input field holding the gold label, or ""
	layouts  []string // extra time layouts for published (-date-layout)
	skipBad  bool
	maxLine  int
	stderr   io.Writer
	records  []record
	ids      map[string]string // id -> where it was first seen
	skipped  int
	progress func(n int)
	pages    *pagePool // HTML extraction in flight for the file being read
	// prefetch, if set, is given each article that is read whole (not an
	// HTML page), so that analysis can start while reading goes on.
	prefetch func(a *storyclust.Article)
}

func (r *reader) bad(where string, format string, args ...any) error {
	msg := fmt.Sprintf("%s: %s", where, fmt.Sprintf(format, args...))
	if r.skipBad {
		fmt.Fprintf(r.stderr, "storyclust: %s (skipped)\n", msg)
		r.skipped++
		return nil
	}
	return fmt.Errorf("%w: %s", errBadInput, msg)
}

// readFile reads one named file ("-" is standard input).
func (r *reader) readFile(name string, stdin io.Reader) error {
	var in io.Reader
	display := name
	if name == "-" {
		in, display = stdin, "<stdin>"
	} else {
		f, err := os.Open(name)
		if err != nil {
			return fmt.Errorf("%w: %w", errBadInput, err)
		}
		defer f.Close()
		in = f
	}
	br := bufio.NewReaderSize(in, 1<<16)
	if magic, _ := br.Peek(2); len(magic) == 2 && magic[0] == 0x1f && magic[1] == 0x8b {
		gz, err := gunzip.NewReader(br)
		if err != nil {
			return fmt.Errorf("%w: %s: %w", errBadInput, display, err)
		}
		defer gz.Close()
		br = bufio.NewReaderSize(gz, 1<<16)
	}
	base := strings.TrimSuffix(name, ".gz")
	switch strings.ToLower(filepath.Ext(base)) {
	case ".txt":
		return r.readText(display, base, br, false)
	case ".html", ".htm":
		return r.readText(display, base, br, true)
	}
	return r.readJSONL(display, br)
}

// readText reads a file that holds one article: plain text, or an HTML page
// whose main text, title and date are extracted.
func (r *reader) readText(display, base string, in io.Reader, isHTML bool) error {
	b, err := io.ReadAll(io.LimitReader(in, int64(r.maxLine)+1))
	if err != nil {
		return fmt.Errorf("%w: %s: %w", errBadInput, display, err)
	}
	if len(b) > r.maxLine {
		return r.bad(display, "file longer than the %d-byte limit (-max-bytes)", r.maxLine)
	}
	id := strings.TrimSuffix(filepath.Base(base), filepath.Ext(base))
	if isHTML {
		// The extractor decodes legacy encodings (<meta charset>).
		a, err := extractPage(id, bytes.NewReader(b))
		if err != nil {
			return r.bad(display, "%v", err)
		}
		return r.add(record{art: a, src: display})
	}
	if !utf8.Valid(b) {
		b = bytes.ToValidUTF8(b, []byte("\uFFFD"))
		fmt.Fprintf(r.stderr, "storyclust: %s: invalid UTF-8 replaced with U+FFFD\n", display)
	}
	return r.add(record{art: storyclust.Article{ID: id, Text: string(b)}, src: display})
}

// readJSONL reads JSON Lines. One goroutine reads lines (and decompresses),
// GOMAXPROCS goroutines parse chunks of them, and this one takes the
// records in input order, so errors, warnings and ids are handled exactly as
// by a sequential reader. Lines with an html field are extracted on
// GOMAXPROCS goroutines while reading goes on; their errors are reported in
// input order once the file is read.
func (r *reader) readJSONL(display string, br *bufio.Reader) (err error) {
	r.pages = newPagePool()
	defer func() {
		if ferr := r.finishPages(); err == nil {
			err = ferr
		}
	}()
	workers := runtime.GOMAXPROCS(0)
	work := make(chan *lineChunk, 2*workers)
	ordered := make(chan *lineChunk, 2*workers)
	stop := make(chan struct{})
	defer close(stop)
	go r.readChunks(br, work, ordered, stop)
	for range workers {
		go func() {
			for c := range work {
				r.parseChunk(display, c)
			}
		}()
	}
	for c := range ordered {
		<-c.done
		for i := range c.lines {
			l := &c.lines[i]
			where := l.rec.src
			if where == "" {
				where = display + ":" + strconv.Itoa(l.n)
			}
			if errors.Is(l.err, errLineTooLong) {
				if e := r.bad(where, "line longer than the %d-byte limit (-max-bytes)", r.maxLine); e != nil {
					return e
				}
				continue
			}
			if l.err != nil && l.err != io.EOF {
				return fmt.Errorf("%w: %s: %w", errBadInput, where, l.err)
			}
			if l.parsed {
				if l.warn {
					fmt.Fprintf(r.stderr, "storyclust: %s: invalid UTF-8 replaced with U+FFFD\n", where)
				}
				if l.perr != nil {
					if e := r.bad(where, "%v", l.perr); e != nil {
						return e
					}
				} else if e := r.add(l.rec); e != nil {
					return e
				}
			}
			if l.err == io.EOF {
				return nil
			}
		}
	}
	return nil
}

// lineChunk is a run of input lines, parsed by one goroutine.
type lineChunk struct {
	lines []inputLine
	done  chan struct{} // closed when parsed
}

type inputLine struct {
	n      int    // line number
	b      []byte // the line, until parsed
	err    error  // from readLine
	parsed bool   // a non-blank line that was parsed
	rec    record
	warn   bool // invalid UTF-8 was replaced
	perr   error
}

// readChunks reads lines into chunks and sends each to work (to be parsed)
// and to ordered (to be taken in order), until the input ends, reading
// fails or stop is closed. It closes both channels.
func (r *reader) readChunks(br *bufio.Reader, work, ordered chan<- *lineChunk, stop <-chan struct{}) {
	defer close(ordered)
	defer close(work)
	const maxLines, maxBytes = 256, 1 << 20
	line := 0
	var arena lineArena
	for {
		c := &lineChunk{done: make(chan struct{})}
		size, last := 0, false
		for len(c.lines) < maxLines && size < maxBytes {
			b, err := readLine(br, r.maxLine, &arena)
			if len(b) == 0 && err == io.EOF {
				last = true
				break
			}
			line++
			c.lines = append(c.lines, inputLine{n: line, b: b, err: err})
			size += len(b)
			if err != nil && !errors.Is(err, errLineTooLong) {
				last = true // io.EOF after a last line without newline, or an I/O error
				break
			}
		}
		if len(c.lines) == 0 {
			return
		}
		select {
		case work <- c:
		case <-stop:
			return
		}
		select {
		case ordered <- c:
		case <-stop:
			return
		}
		if last {
			return
		}
	}
}

// parseChunk parses the lines of c that were read whole and are not blank.
func (r *reader) parseChunk(display string, c *lineChunk) {
	for i := range c.lines {
		l := &c.lines[i]
		if (l.err == nil || l.err == io.EOF) && len(bytes.TrimSpace(l.b)) > 0 {
			l.parsed = true
			l.rec, l.warn, l.perr = r.parse(display+":"+strconv.Itoa(l.n), l.b)
		}
		l.b = nil
	}
	close(c.done)
}

var errLineTooLong = errors.New("line too long")

// readLine returns the next line without its newline, reading at most max
// bytes of it; a longer line is consumed and reported as errLineTooLong. A
// line that fits in br's buffer is copied into a; a longer one is returned
// in the memory it was gathered in.
func readLine(br *bufio.Reader, max int, a *lineArena) ([]byte, error) {
	var buf []byte
	for {
		chunk, err := br.ReadSlice('\n')
		if len(buf)+len(chunk) > max+1 {
			buf = nil
			for err == bufio.ErrBufferFull {
				_, err = br.ReadSlice('\n')
			}
			if err != nil && err != io.EOF {
				return nil, err
			}
			return []byte{'x'}, errLineTooLong
		}
		if err == bufio.ErrBufferFull {
			buf = append(buf, chunk...)
			continue
		}
		line := chunk
		if buf != nil {
			line = append(buf, chunk...)
		}
		line = bytes.TrimSuffix(line, []byte("\n"))
		line = bytes.TrimSuffix(line, []byte("\r"))
		if buf == nil {
			line = a.copy(line)
		}
		return line, err
	}
}

// parse decodes one JSON Lines record; the strings of the record keep b's
// memory, which the caller must not use again. It is safe for concurrent use; warn
// reports that invalid UTF-8 was replaced (the caller says so on stderr).
func (r *reader) parse(where string, b []byte) (rec record, warn bool, err error) {
	// The fields in canonicalFields order, then the gold field.
	var fs [9]scanField
	nf := len(canonicalFields)
	for i, c := range canonicalFields {
		fs[i].name = r.fields[c]
	}
	if r.gold != "" {
		fs[nf].name = r.gold
		nf++
	}
	get := func(name string) (raw []byte, scanned, ok bool) {
		for i := range fs[:nf] {
			if fs[i].name == name {
				return fs[i].raw, len(fs[i].raw) >= 2 && fs[i].raw[0] == '"', fs[i].raw != nil
			}
		}
		return nil, false, false
	}
	ok := scanObject(b, fs[:nf]) // which checks the UTF-8 too
	if !ok && !utf8.Valid(b) {
		b = bytes.ToValidUTF8(b, []byte("\uFFFD"))
		warn = true
		ok = scanObject(b, fs[:nf])
	}
	if !ok {
		// Not a plain JSON object (or one the scanner leaves to
		// encoding/json): decode it the slow way, which explains errors.
		var obj map[string]json.RawMessage
		if err := json.Unmarshal(b, &obj); err != nil {
			return record{}, warn, fmt.Errorf("not a JSON object: %v", err)
		}
		get = func(name string) ([]byte, bool, bool) {
			raw, ok := obj[name]
			return raw, false, ok
		}
	}
	// The strings share b's memory (unquoteOwned): b is this call's to
	// keep. A field read twice (two names mapped to it) is unescaped once.
	var seen [len(fs)]struct {
		at *byte
		s  string
	}
	nseen := 0
	owned := func(raw []byte) string {
		for _, x := range seen[:nseen] {
			if x.at == &raw[0] {
				return x.s
			}
		}
		s := unquoteOwned(raw)
		seen[nseen].at, seen[nseen].s = &raw[0], s
		nseen++
		return s
	}
	value := func(name string, numberOK bool) (string, bool, error) {
		raw, plain, ok := get(name)
		if !ok || string(raw) == "null" {
			return "", ok, nil
		}
		if plain {
			return owned(raw), true, nil
		}
		s, err := jsonString(raw, name, numberOK)
		return s, true, err
	}
	str := func(canon string, numberOK bool) (string, error) {
		s, _, err := value(r.fields[canon], numberOK)
		return s, err
	}
	rec.src = where
	a := &rec.art
	if a.ID, err = str("id", true); err != nil {
		return rec, warn, err
	}
	if a.Title, err = str("title", false); err != nil {
		return rec, warn, err
	}
	if a.Text, err = str("text", false); err != nil {
		return rec, warn, err
	}
	if a.Source, err = str("source", false); err != nil {
		return rec, warn, err
	}
	if a.URL, err = str("url", false); err != nil {
		return rec, warn, err
	}
	if a.Lang, err = str("lang", false); err != nil {
		return rec, warn, err
	}
	if rec.html, err = str("html", false); err != nil {
		return rec, warn, err
	}
	pub, err := str("published", false)
	if err != nil {
		return rec, warn, err
	}
	if pub != "" {
		if a.Published, err = parseTime(pub, r.layouts...); err != nil {
			return rec, warn, fmt.Errorf("field %q: %v", r.fields["published"], err)
		}
	}
	if r.gold != "" {
		raw, _, ok := get(r.gold)
		if !ok || string(raw) == "null" {
			return rec, warn, fmt.Errorf("no gold field %q", r.gold)
		}
		if rec.gold, _, err = value(r.gold, true); err != nil {
			return rec, warn, err
		}
	}
	if a.ID == "" {
		return rec, warn, fmt.Errorf("missing id (field %q)", r.fields["id"])
	}
	return rec, warn, nil
}

// jsonString decodes a JSON string, or a JSON number when numberOK.
func jsonString(raw json.RawMessage, name string, numberOK bool) (string, error) {
	var s string
	if err := json.Unmarshal(raw, &s); err == nil {
		return s, nil
	}
	if numberOK {
		var n json.Number
		if err := json.Unmarshal(raw, &n); err == nil {
			return n.String(), nil
		}
	}
	want := "a string"
	if numberOK {
		want = "a string or a number"
	}
	return "", fmt.Errorf("field %q: want %s, got %s", name, want, abbrev(raw))
}

func abbrev(raw json.RawMessage) string {
	s := string(raw)
	if len(s) > 40 {
		s = s[:40] + "…"
	}
	return s
}

// parseTime accepts RFC 3339 (with or without fractional seconds),
// YYYY-MM-DD (taken as midnight UTC), then each of layouts in turn (Go
// reference layouts, see time.Parse; UTC unless the layout has a zone).
func parseTime(s string, layouts ...string) (time.Time, error) {
	s = strings.TrimSpace(s)
	if t, err := time.Parse(time.RFC3339Nano, s); err == nil {
		return t, nil
	}
	if t, err := time.Parse(time.DateOnly, s); err == nil {
		return t, nil
	}
	for _, l := range layouts {
		if t, err := time.Parse(l, s); err == nil {
			return t, nil
		}
	}
	if len(layouts) > 0 {
		return time.Time{}, fmt.Errorf("date %s is neither RFC 3339, YYYY-MM-DD nor in the layouts %q given by -date-layout", strconv.Quote(s), layouts)
	}
	return time.Time{}, fmt.Errorf("date %s is neither RFC 3339 nor YYYY-MM-DD (see -date-layout)", strconv.Quote(s))
}

func (r *reader) add(rec record) error {
	if first, dup := r.ids[rec.art.ID]; dup {
		return r.bad(rec.src, "duplicate id %q (first at %s)", rec.art.ID, first)
	}
	r.ids[rec.art.ID] = rec.src
	if rec.html != "" {
		r.pages.extract(len(r.records), rec.art, rec.html)
		rec.html = ""
	} else if r.prefetch != nil {
		r.prefetch(&rec.art)
	}
	r.records = append(r.records, rec)
	if r.progress != nil {
		r.progress(len(r.records))
	}
	return nil
}

// pagePool extracts HTML pages on up to GOMAXPROCS goroutines; at most that
// many pages are held at once beyond the one being read.
type pagePool struct {
	sem  chan struct{}
	wg   sync.WaitGroup
	mu   sync.Mutex
	done map[int]pageResult // by index in reader.records
}

type pageResult struct {
	art storyclust.Article
	err error
}

func newPagePool() *pagePool {
	return &pagePool{sem: make(chan struct{}, runtime.GOMAXPROCS(0)), done: map[int]pageResult{}}
}

// extract starts extracting page into a copy of art; fields art already has
// win over extracted ones.
func (p *pagePool) extract(idx int, art storyclust.Article, page string) {
	p.sem <- struct{}{}
	p.wg.Add(1)
	go func() {
		defer func() { <-p.sem; p.wg.Done() }()
		a, err := fillPage(art, strings.NewReader(page))
		p.mu.Lock()
		p.done[idx] = pageResult{a, err}
		p.mu.Unlock()
	}()
}

// finishPages waits for the pages in flight and stores the extracted
// articles in input order. A page without text is bad input: the first one
// is the error, or with -skip-bad each is reported and its article dropped.
func (r *reader) finishPages() error {
	p := r.pages
	r.pages = nil
	if p == nil {
		return nil
	}
	p.wg.Wait()
	if len(p.done) == 0 {
		return nil
	}
	kept := r.records[:0]
	var firstErr error
	for i, rec := range r.records {
		if res, ok := p.done[i]; ok {
			if res.err != nil {
				if firstErr == nil {
					firstErr = r.bad(rec.src, "%v", res.err)
				}
				continue
			}
			rec.art = res.art
		}
		kept = append(kept, rec)
	}
	clear(r.records[len(kept):])
	r.records = kept
	return firstErr
}
