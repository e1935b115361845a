package corpus

import (
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

func testDocs() []Doc {
	return []Doc{
		{ID: "a", Title: "First title here", Text: "one two three four five six seven eight nine ten\n\neleven twelve thirteen", Date: "2019-01-08"},
		{ID: "b", Title: "Second", Text: "alpha beta gamma delta epsilon zeta eta theta iota kappa", Date: "12/19/18"},
	}
}

func TestSynthesize(t *testing.T) {
	docs := testDocs()
	big := Synthesize(docs, 3, 0.3, 7)
	if len(big) != 6 {
		t.Fatalf("len = %d, want 6", len(big))
	}
	if !reflect.DeepEqual(big[:2], docs) {
		t.Fatalf("copy 0 differs from the input")
	}
	ids := map[string]bool{}
	for _, d := range big {
		if ids[d.ID] {
			t.Fatalf("repeated id %q", d.ID)
		}
		ids[d.ID] = true
	}
	if big[2].ID != "a-s1" || big[5].ID != "b-s2" {
		t.Fatalf("ids %q, %q", big[2].ID, big[5].ID)
	}
	if big[2].Text == docs[0].Text {
		t.Fatal("copy 1 of a is unchanged at rate 0.3")
	}
	if strings.Count(big[2].Text, "\n") != strings.Count(docs[0].Text, "\n") {
		t.Fatal("line breaks not kept")
	}
	if !reflect.DeepEqual(big, Synthesize(docs, 3, 0.3, 7)) {
		t.Fatal("not deterministic")
	}
	if reflect.DeepEqual(big, Synthesize(docs, 3, 0.3, 8)) {
		t.Fatal("seed ignored")
	}
	if got := Synthesize(docs, 2, 0, 7); got[2].Text != docs[0].Text {
		t.Fatal("rate 0 changed the text")
	}
}

func TestWriteRead(t *testing.T) {
	docs := testDocs()
	path := filepath.Join(t.TempDir(), "x.jsonl")
	n, err := Write(path, docs)
	if err != nil {
		t.Fatal(err)
	}
	got, bytes, err := Read(path, 0)
	if err != nil {
		t.Fatal(err)
	}
	if bytes != n {
		t.Fatalf("read %d bytes, wrote %d", bytes, n)
	}
	if !reflect.DeepEqual(got, docs) {
		t.Fatalf("round trip: %+v", got)
	}
	if a := got[0].Article(); a.Published.IsZero() || a.ID != "a" {
		t.Fatalf("Article() = %+v", a)
	}
	if a := got[1].Article(); !a.Published.IsZero() {
		t.Fatal("malformed date parsed")
	}
	first, _, err := Read(path, 1)
	if err != nil || len(first) != 1 {
		t.Fatalf("Read(n=1) = %d docs, %v", len(first), err)
	}
}
