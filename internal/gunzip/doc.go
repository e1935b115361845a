// Package gunzip decompresses gzip streams (RFC 1952, DEFLATE data as in
// RFC 1951) for the CLI, about twice as fast as compress/gzip and
// github.com/klauspost/compress: it refills its bit buffer eight bytes at a
// time, decodes a literal or a length with one table lookup of 11 bits (a
// second for the rare longer codes), and copies matches eight bytes at a
// time. On the AllSides file (48 MB of gzip, 128 MB of JSON Lines), one
// core: 285-290 ms, against 512-520 ms for klauspost/compress v1.19.2 and
// 634-645 ms for compress/gzip (BenchmarkDecompress in the bench module,
// which also checks that the three agree; BenchmarkReader here compares
// with compress/gzip alone). Decompression was a fifth of
// `storyclust dedup` on one core, on the goroutine that reads, which the
// others wait for.
//
// A Reader reads every member of a multi-member stream, as compress/gzip
// does by default, and checks each member's CRC-32 and size, and the
// header's CRC if it has one. It refuses what compress/flate refuses
// (incomplete and over-subscribed codes, distances before the start) and
// never panics on bad input: every error is ErrHeader, ErrChecksum,
// ErrCorrupt, io.ErrUnexpectedEOF or the underlying reader's. The tests
// check it against compress/gzip on generated data at every level, on
// damaged and hand-made streams, and by fuzzing (FuzzReader).
package gunzip
