// Package extract turns fetched web pages into storyclust Articles: it
// extracts the main article text (without navigation, teasers, comments and
// footer), the title and the publication date with go-trafilatura, a pure-Go
// port of trafilatura.
//
// It is a package of its own because the extractor is heavy: its date parser
// builds locale tables at program start (about 0.3 s and 60 MB here), a cost
// that programs clustering plain text should not pay. The storyclust CLI
// imports it for the "html" input field and .html files.
//
// FromHTML and Fill are safe for concurrent use, and deterministic: the same
// page (and Article) gives the same result on every run.
//
// # Conventions
//
// Fields the caller already set win over extracted ones (Fill fills only
// empty fields). Errors wrap ErrNoContent when a page yields no text; other
// errors come from reading or decoding the page. Pages are decoded to UTF-8
// from their declared or sniffed charset before anything else.
//
// Before go-trafilatura parses a page, a pre-pass drops what it discards
// anyway (scripts other than JSON types, styles, inline SVG, iframes,
// comments), and a placeholder author, tag and category keep it from
// searching the page for metadata storyclust does not use; neither changes
// a returned field (tests compare with and without each on go-trafilatura's
// comparison pages). The publication time prefers the page's declared
// datePublished when it falls on the day go-trafilatura found, which makes
// it deterministic.
package extract
