// Command peerdedup is the whole-process counterpart of `storyclust dedup`
// for the peer implementations of package peers: it reads JSON Lines
// (gzip-compressed or not) with doc_id and text fields, shingles every text
// (word 5-grams, no stemming), signs, indexes and queries, and writes the
// candidate pairs as "id<TAB>id" lines.
//
//	peerdedup -algo ekzhu FILE > pairs.tsv
//
// -algo is one of hash (read, tokenize and shingle only: writes no pairs),
// ekzhu (github.com/ekzhu/minhash-lsh), gominhash (go-minhash with a map per
// band), minwise or oph (storyclust's signers with its LSH). A run prints
// the number of articles and pairs on standard error.
package main

import (
	"bufio"
	"flag"
	"fmt"
	"os"

	"github.com/storyclust/storyclust/bench/internal/corpus"
	"github.com/storyclust/storyclust/bench/internal/peers"
)

func main() {
	algo := flag.String("algo", "ekzhu", "hash, ekzhu, gominhash, minwise or oph")
	flag.Parse()
	if flag.NArg() != 1 {
		fmt.Fprintln(os.Stderr, "usage: peerdedup -algo NAME FILE")
		os.Exit(2)
	}
	if err := run(*algo, flag.Arg(0)); err != nil {
		fmt.Fprintln(os.Stderr, "peerdedup:", err)
		os.Exit(1)
	}
}

func run(name, path string) error {
	a, err := peers.ByName(name)
	if err != nil {
		return err
	}
	docs, _, err := corpus.Read(path, 0)
	if err != nil {
		return err
	}
	texts := make([]string, len(docs))
	for i := range docs {
		texts[i] = docs[i].Text
	}
	pairs, err := a.Pairs(texts)
	if err != nil {
		return err
	}
	w := bufio.NewWriterSize(os.Stdout, 1<<16)
	for _, p := range pairs {
		w.WriteString(docs[p[0]].ID)
		w.WriteByte('\t')
		w.WriteString(docs[p[1]].ID)
		w.WriteByte('\n')
	}
	if err := w.Flush(); err != nil {
		return err
	}
	fmt.Fprintf(os.Stderr, "peerdedup %s: %d articles, %d candidate pairs\n", a.Name, len(docs), len(pairs))
	return nil
}
