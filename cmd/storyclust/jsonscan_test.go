package main

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"math/bits"
	"testing"
	"unicode/utf8"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

var scanSeeds = []string{
	// UTF-8 in strings, valid and not, before, inside and after runs of
	// eight plain bytes.
	"{\"text\":\"Caf\xc3\xa9 \xe2\x80\x99quoted\xe2\x80\x9d and \xf0\x9f\x98\x80 at the end \xf4\x8f\xbf\xbf\"}",
	"{\"text\":\"0123456789abcdef\xc3\"}", "{\"text\":\"0123456789abcdef\xc3(\"}",
	"{\"text\":\"0123456789\xed\xa0\x80abcdef\"}", "{\"text\":\"\xc0\xaf0123456789\"}",
	"{\"text\":\"01234567\xf4\x90\x80\x80\"}", "{\"text\":\"01234567\xff\"}", "{\"text\":\"\xef\xbf\xbd ok\"}",
	"{\"k\xff\":\"v\"}", "{\"id\":\"a\",\"x\":[\"0123456789\x80\"]}", "{\"id\":\"a\"}\xc3\xa9", "{\"id\":1\xc3\xa9}",
	`{"id":"a","title":"t","text":"x","published":"2024-01-02"}`,
	` { "id" : 7 , "text" : "caf\u00e9 \"q\"" , "x": [1, -2.5e+3, {"y": null}], "z": true } `,
	`{"id":"a","id":"b"}`, `{}`, `[]`, `{"id":"a"`, `{"id":"a"} x`, `{"id":01}`, `{"id":-}`, `{"id":1.}`,
	`{"id":"a\x01"}`, `{"id":"\q"}`, `{"i\u0064":"a"}`, `{"id":tru}`, `{"id":"a",}`, `{,}`, `{"a":[1,]}`,
	`{"id":"\ud83d\ude00"}`, `{"id":"\ud83d"}`, `{"id":"\ud83d\u0041\uDE00\\u"}`, `{"text":"\ud83d\ud83d\ude00x"}`,
	`{"text":"a\n\tb\"\\\b\f\r\u00E9\u20ac"}`, `{"id":"\udc00\ud800"}`, `{"text":"a\/b"}`, `{"id":1e5,"lang":null}`,
}

// checkScan compares scanObject with encoding/json on one text.
func checkScan(t *testing.T, data []byte) {
	fields := []scanField{{name: "id"}, {name: "text"}, {name: "lang"}, {name: "x"}}
	ok := scanObject(data, fields)
	if !utf8.Valid(data) {
		require.False(t, ok, "scanObject accepted invalid UTF-8: %q", data)
		return
	}
	var obj map[string]json.RawMessage
	err := json.Unmarshal(data, &obj)
	if !ok {
		return // the caller falls back to encoding/json
	}
	require.NoError(t, err, "scanObject accepted what encoding/json rejects: %q", data)
	for _, f := range fields {
		raw, in := obj[f.name]
		require.Equal(t, in, f.raw != nil, "%q: field %s", data, f.name)
		if !in {
			continue
		}
		require.Equal(t, string(bytes.TrimSpace(raw)), string(f.raw), "%q: field %s", data, f.name)
		if len(f.raw) > 0 && f.raw[0] == '"' {
			var s string
			require.NoError(t, json.Unmarshal(f.raw, &s))
			require.Equal(t, s, unquote(f.raw), "%q: string %s", data, f.name)
			owned := bytes.Clone(f.raw)
			require.Equal(t, s, unquoteOwned(owned), "%q: string %s, in place", data, f.name)
			if !f.esc {
				require.Equal(t, s, string(f.raw[1:len(f.raw)-1]), "%q: plain string %s", data, f.name)
			}
		}
	}
}

func TestScanObject(t *testing.T) {
	for _, s := range scanSeeds {
		checkScan(t, []byte(s))
	}
	fs := []scanField{{name: "id"}, {name: "text"}}
	assert.True(t, scanObject([]byte(`{"id":"a","text":"b\nc"}`), fs))
	assert.Equal(t, `"a"`, string(fs[0].raw))
	assert.False(t, scanObject([]byte(`{"id":"a"} {}`), fs))
	deep := bytes.Repeat([]byte("["), 2000)
	assert.False(t, scanObject(append(append([]byte(`{"x":`), deep...), '}'), fs), "too deep: left to encoding/json")
}

// FuzzScanObject: whatever scanObject accepts, encoding/json accepts with
// the same raw values.
func FuzzScanObject(f *testing.F) {
	for _, s := range scanSeeds {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) { checkScan(t, data) })
}

// unplainBytes flags exactly the lowest byte that plainStringByte rejects.
func TestUnplainBytes(t *testing.T) {
	for c := range 256 {
		for pos := range 8 {
			for _, fill := range []byte{'a', ' ', '"', '\\', 0x1f, 0x20, 0x21, 0x5b, 0x5d, 0x7f, 0x80, 0xc3, 0xff, 0} {
				var b [8]byte
				for i := range b {
					b[i] = fill
				}
				b[pos] = byte(c)
				m := unplainBytes(binary.LittleEndian.Uint64(b[:]))
				want := -1
				for i, x := range b {
					if !plainStringByte[x] {
						want = i
						break
					}
				}
				if want < 0 {
					require.Zero(t, m, "%q", b)
				} else {
					require.NotZero(t, m, "%q", b)
					require.Equal(t, want, bits.TrailingZeros64(m)>>3, "%q", b)
				}
			}
		}
	}
}
