package cluster

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestStableID(t *testing.T) {
	// SHA-256("a")   = ca978112ca1bbdcafac231b39a23dc4da786eff8147c4e72b9807785afee48bb
	// SHA-256("abc") = ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad
	tests := []struct {
		name    string
		members []string
		want    string
	}{
		{"none", nil, ""},
		{"one", []string{"a"}, "s-ca978112ca1b"},
		{"smallest first", []string{"a", "b", "c"}, "s-ca978112ca1b"},
		{"smallest last", []string{"zz", "b", "a"}, "s-ca978112ca1b"},
		{"prefix sorts first", []string{"abcd", "abc"}, "s-ba7816bf8f01"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.Equal(t, tt.want, StableID(tt.members))
		})
	}
	// A member joining (sorting after the smallest) keeps the id; a new
	// smallest member changes it.
	story := []string{"doc-17", "doc-42"}
	id := StableID(story)
	assert.Equal(t, id, StableID(append(story, "doc-99")))
	assert.NotEqual(t, id, StableID(append(story, "doc-01")))
	assert.Len(t, id, 14)
}
