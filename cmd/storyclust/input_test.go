package main

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"fmt"
	"io"
	"math/rand/v2"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func newTestReader(skipBad bool) *reader {
	fields, _ := parseFields("")
	return &reader{fields: fields, skipBad: skipBad, maxLine: 1 << 20, stderr: io.Discard, ids: map[string]string{}}
}

// FuzzReadJSONL feeds arbitrary bytes to the JSON Lines reader: it must
// never panic, and with -skip-bad every accepted article has a unique,
// non-empty id and valid UTF-8 fields.
func FuzzReadJSONL(f *testing.F) {
	f.Add([]byte(`{"id":"a","title":"t","text":"x","published":"2024-01-02"}` + "\n" + `{"id":7}`))
	f.Add([]byte("not json\n\n{\"id\":\"a\"}\n{\"id\":\"a\"}"))
	f.Add([]byte(`{"id":"\xff\xfe","text":"caf\xc3"}`))
	f.Add([]byte(`{"id":"b","published":"2024-13-45T99:00:00Z","lang":["en"]}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		for _, skip := range []bool{true, false} {
			r := newTestReader(skip)
			r.maxLine = 256
			err := r.readJSONL("fuzz", bufio.NewReader(bytes.NewReader(data)))
			if skip && err != nil {
				t.Fatalf("with skip-bad only I/O can fail, got %v", err)
			}
			seen := map[string]bool{}
			for _, rec := range r.records {
				a := rec.art
				if a.ID == "" || seen[a.ID] {
					t.Fatalf("bad or repeated id %q", a.ID)
				}
				seen[a.ID] = true
				for _, s := range []string{a.ID, a.Title, a.Text, a.Source, a.URL, a.Lang} {
					if !utf8.ValidString(s) {
						t.Fatalf("invalid UTF-8 let through: %q", s)
					}
				}
			}
		}
	})
}

func TestReadLineLimits(t *testing.T) {
	long := strings.Repeat("y", 5000)
	in := "short\n" + long + "\nafter\nlast-no-newline"
	br := bufio.NewReaderSize(strings.NewReader(in), 16)
	var got []string
	for {
		b, err := readLine(br, 100, &lineArena{})
		if err == errLineTooLong {
			got = append(got, "<too long>")
			continue
		}
		if len(b) == 0 && err == io.EOF {
			break
		}
		got = append(got, string(b))
		if err == io.EOF {
			break
		}
		require.NoError(t, err)
	}
	assert.Equal(t, []string{"short", "<too long>", "after", "last-no-newline"}, got)
}

func TestParseTime(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want string
		bad  bool
	}{
		{"2024-02-29", "2024-02-29T00:00:00Z", false},
		{"2024-02-29T10:11:12+02:00", "2024-02-29T08:11:12Z", false},
		{"2024-02-29T10:11:12.123Z", "2024-02-29T10:11:12.123Z", false},
		{" 2024-01-01 ", "2024-01-01T00:00:00Z", false},
		{"2023-02-29", "", true},
		{"01/02/2024", "", true},
		{"yesterday", "", true},
	} {
		got, err := parseTime(tc.in)
		if tc.bad {
			assert.Error(t, err, tc.in)
			continue
		}
		require.NoError(t, err, tc.in)
		assert.Equal(t, tc.want, got.UTC().Format("2006-01-02T15:04:05.999Z07:00"), tc.in)
	}
}

func TestParseFields(t *testing.T) {
	m, err := parseFields("id=doc_id, published=date")
	require.NoError(t, err)
	assert.Equal(t, "doc_id date title", fmt.Sprint(m["id"], " ", m["published"], " ", m["title"]))
	for _, bad := range []string{"id", "id=", "=x", "nope=x"} {
		_, err := parseFields(bad)
		assert.Error(t, err, bad)
	}
}

func TestParseTimeLayouts(t *testing.T) {
	layouts := []string{"1/2/06", "Jan 2, 2006 15:04 MST"}
	for _, tc := range []struct {
		in, want string
		bad      bool
	}{
		{"12/19/18", "2018-12-19T00:00:00Z", false},
		{"2/3/19", "2019-02-03T00:00:00Z", false},
		{"Dec 19, 2018 14:30 UTC", "2018-12-19T14:30:00Z", false},
		{"2024-02-29", "2024-02-29T00:00:00Z", false}, // the built-in forms first
		{"13/19/18", "", true},
		{"19.12.2018", "", true},
	} {
		got, err := parseTime(tc.in, layouts...)
		if tc.bad {
			require.Error(t, err, tc.in)
			assert.Contains(t, err.Error(), "-date-layout", tc.in)
			continue
		}
		require.NoError(t, err, tc.in)
		assert.Equal(t, tc.want, got.UTC().Format(time.RFC3339), tc.in)
	}
}

// TestReadFieldTwice maps two names to one escaped JSON field: strings are
// unescaped in place in the line's memory, so the second read must not see
// the first one's output.
func TestReadFieldTwice(t *testing.T) {
	fields, err := parseFields("source=text,title=text,id=doc")
	require.NoError(t, err)
	r := &reader{fields: fields, gold: "text", maxLine: 1 << 20, stderr: io.Discard, ids: map[string]string{}}
	in := `{"doc":"a\"b","text":"x\ny \u00e9\ud83d\ude00 \"q\" \\ end"}` + "\n" + `{"doc":"c","text":"plain"}` + "\n"
	require.NoError(t, r.readJSONL("t", bufio.NewReader(strings.NewReader(in))))
	require.Len(t, r.records, 2)
	want := "x\ny é😀 \"q\" \\ end"
	a := r.records[0].art
	assert.Equal(t, `a"b`, a.ID)
	assert.Equal(t, want, a.Text)
	assert.Equal(t, want, a.Title)
	assert.Equal(t, want, a.Source)
	assert.Equal(t, want, r.records[0].gold)
	assert.Equal(t, "plain", r.records[1].art.Text)
	assert.Equal(t, "plain", r.records[1].gold)
}

// TestLineArena: lines copied into the arena keep their bytes while more
// are copied, across blocks, and cannot be appended to in place; a line
// too long for it goes to the heap.
func TestLineArena(t *testing.T) {
	var a lineArena
	rng := rand.New(rand.NewPCG(1, 2))
	var want [][]byte
	var got [][]byte
	total := 0
	for total < 2*arenaBlock+arenaBlock/2 {
		b := make([]byte, 1+rng.IntN(arenaBlock/16))
		for i := range b {
			b[i] = byte(rng.Uint32())
		}
		c := a.copy(b)
		require.Equal(t, len(c), cap(c))
		want, got = append(want, b), append(got, c)
		total += len(b)
	}
	for i := range want {
		require.True(t, bytes.Equal(want[i], got[i]), "line %d", i)
	}
	grown := append(got[0], 'x')
	require.True(t, bytes.Equal(want[1], got[1]), "appending to a line left the next alone")
	require.Equal(t, byte('x'), grown[len(grown)-1])

	long := bytes.Repeat([]byte("z"), arenaBlock/16+1)
	c := a.copy(long)
	require.Equal(t, long, c)
}

// TestGzipInput: gzipped JSON Lines (here on stdin) give what the plain
// lines give; a damaged stream is bad input (exit code 1), reported at the
// line where reading stopped.
func TestGzipInput(t *testing.T) {
	var lines strings.Builder
	for i := range 3000 {
		fmt.Fprintf(&lines, `{"id":"a%d","text":"article %d: %s"}`+"\n", i, i%700, strings.Repeat("the delegation visited Tehran ", 1+i%7))
	}
	var gz bytes.Buffer
	zw := gzip.NewWriter(&gz)
	zw.Write([]byte(lines.String()))
	zw.Close()

	code, want, errs := runCLI(t, lines.String(), "dedup")
	require.Equal(t, 0, code, errs)
	code, got, errs := runCLI(t, gz.String(), "dedup")
	require.Equal(t, 0, code, errs)
	assert.Equal(t, want, got)

	b := gz.Bytes()
	for name, tc := range map[string]struct {
		gz  []byte
		msg string
	}{
		"truncated":    {b[:len(b)/2], "unexpected EOF"},
		"bad checksum": {append(append([]byte{}, b[:len(b)-8]...), 0, 0, 0, 0, 0, 0, 0, 0), "invalid checksum"},
	} {
		code, out, errs := runCLI(t, string(tc.gz), "dedup")
		assert.Equal(t, exitInput, code, name)
		assert.Contains(t, errs, tc.msg, name)
		assert.Regexp(t, `<stdin>:\d+: `, errs, name)
		assert.Empty(t, out, name)
	}
}
