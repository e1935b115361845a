// Command storyclust finds duplicate news articles and groups articles that
// report the same event into stories. It reads JSON Lines (or plain .txt
// files, one article each) and writes JSON Lines. Run "storyclust -h" for
// usage and exit codes.
package main

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"
	"time"

	"github.com/storyclust/storyclust"
	"github.com/storyclust/storyclust/cluster"
)

// Exit codes.
const (
	exitOK    = 0 // success
	exitInput = 1 // bad input: malformed line, missing or repeated id, unreadable file
	exitUsage = 2 // bad command line
	exitIO    = 3 // output could not be written, or the run was interrupted
)

const usage = `storyclust: find duplicate news articles and group coverage of one event into stories.

Usage:
  storyclust cluster [flags] [FILE...]   duplicates and stories, one line per article
  storyclust dedup   [flags] [FILE...]   the duplicate tier alone
  storyclust eval -gold FIELD [flags] [FILE...]
                                         cluster and score against a gold label field
  storyclust explain -a ID -b ID [flags] [FILE...]
                                         why two articles were or were not joined

Input: JSON Lines, one article per line, with fields id, title, text,
published (RFC 3339, YYYY-MM-DD or a -date-layout), source, url, lang; only
id is required.
A FILE ending in .txt is one article whose id is its base name without the
extension. Gzip-compressed files are read transparently. "-" or no FILE reads
standard input.
HTML: a line's html field, or a FILE ending in .html or .htm (id = base name),
holds a web page whose main text, title and date are extracted; a title,
text or published given in the line takes precedence.
` + htmlUsage + `
Output (standard output, JSON Lines, in input order):
  cluster:          {"id":…,"story":…,"duplicate_of":…}   (duplicate_of omitted when not a duplicate)
  cluster -stories: {"story":…,"ids":[…],"representative":…,"title":…}
  dedup:            {"id":…,"duplicate_of":…}
Diagnostics and progress go to standard error.

Exit codes:
  0  success
  1  bad input: a malformed line, a missing or repeated id, a bad date, a field
     of the wrong type, a file that cannot be read (with -skip-bad, bad lines
     are reported and skipped instead)
  2  bad command line
  3  output could not be written, or the run was interrupted

Flags:
`

type options struct {
	fields   string
	skipBad  bool
	stories  bool
	gold     string
	quiet    bool
	progress bool
	maxBytes int
	jsonOut  bool
	explainA string
	explainB string
	cfg      storyclust.Config
	linkage  string
	layouts  layoutList   // -date-layout
	index    indexOptions // -state, -redis: see state.go
}

// layoutList collects repeated -date-layout flags.
type layoutList []string

func (l *layoutList) String() string { return strings.Join(*l, ",") }

func (l *layoutList) Set(v string) error {
	if strings.TrimSpace(v) == "" {
		return errors.New("empty layout")
	}
	// A layout must give back the day of the reference time from its own
	// output: one without a year, month or day is a typo, not a date.
	ref := time.Date(2006, 1, 2, 15, 4, 5, 0, time.UTC)
	t, err := time.Parse(v, ref.Format(v))
	if err != nil {
		return fmt.Errorf("layout %q does not parse its own output: %v", v, err)
	}
	if y, m, d := t.Date(); y != 2006 || m != 1 || d != 2 {
		return fmt.Errorf("layout %q does not hold a whole date (year, month and day, as in 2006-01-02)", v)
	}
	*l = append(*l, v)
	return nil
}

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	code := runContext(ctx, os.Args[1:], os.Stdin, os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

// run is main without the process: it parses args, reads stdin or the named
// files, and writes to stdout and stderr. It returns the exit code.
func run(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	return runContext(context.Background(), args, stdin, stdout, stderr)
}

func runContext(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	if len(args) == 0 || args[0] == "-h" || args[0] == "-help" || args[0] == "--help" || args[0] == "help" {
		fs := newFlagSet("storyclust", &options{}, stderr)
		fmt.Fprint(stderr, usage)
		fs.PrintDefaults()
		if len(args) == 0 {
			return exitUsage
		}
		return exitOK
	}
	cmd := args[0]
	switch cmd {
	case "cluster", "dedup", "eval", "explain":
	default:
		fmt.Fprintf(stderr, "storyclust: unknown command %q (want cluster, dedup, eval or explain; see storyclust -h)\n", cmd)
		return exitUsage
	}
	var o options
	fs := newFlagSet("storyclust "+cmd, &o, stderr)
	if err := fs.Parse(args[1:]); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return exitOK
		}
		return exitUsage
	}
	if cmd == "eval" && o.gold == "" {
		fmt.Fprintln(stderr, "storyclust eval: -gold FIELD is required")
		return exitUsage
	}
	if cmd == "explain" && (o.explainA == "" || o.explainB == "") {
		fmt.Fprintln(stderr, "storyclust explain: -a ID and -b ID are required")
		return exitUsage
	}
	if cmd != "eval" && o.gold != "" {
		fmt.Fprintf(stderr, "storyclust %s: -gold is only for eval\n", cmd)
		return exitUsage
	}
	if err := o.index.check(cmd); err != nil {
		fmt.Fprintf(stderr, "storyclust %s: %v\n", cmd, err)
		return exitUsage
	}
	if o.linkage != "" {
		l, err := cluster.ParseLinkage(o.linkage)
		if err != nil {
			fmt.Fprintf(stderr, "storyclust %s: -linkage: %v\n", cmd, err)
			return exitUsage
		}
		o.cfg.Linkage = l
	}
	fields, err := parseFields(o.fields)
	if err != nil {
		fmt.Fprintf(stderr, "storyclust %s: %v\n", cmd, err)
		return exitUsage
	}
	o.cfg.MaxArticleBytes = o.maxBytes
	prog := newProgress(stderr, o.quiet, o.progress)
	o.cfg.Progress = prog.stage
	p, err := storyclust.New(o.cfg)
	if err != nil {
		fmt.Fprintf(stderr, "storyclust %s: %v\n", cmd, err)
		return exitUsage
	}

	rd := &reader{fields: fields, gold: o.gold, layouts: o.layouts, skipBad: o.skipBad, maxLine: o.maxBytes, stderr: stderr,
		ids: map[string]string{}, progress: prog.read}
	pf := p.NewPrefetcher() // analysis overlaps reading
	if cmd != "explain" && !o.index.enabled() {
		rd.prefetch = pf.Add
	}
	files := fs.Args()
	if len(files) == 0 {
		files = []string{"-"}
	}
	for _, f := range files {
		if err := rd.readFile(f, stdin); err != nil {
			fmt.Fprintf(stderr, "storyclust %s: %v\n", cmd, err)
			return exitInput
		}
	}
	if rd.skipped > 0 {
		fmt.Fprintf(stderr, "storyclust %s: skipped %d bad input line(s)\n", cmd, rd.skipped)
	}
	if len(rd.records) == 0 {
		fmt.Fprintf(stderr, "storyclust %s: no articles in the input\n", cmd)
	}
	for _, r := range rd.records {
		if strings.TrimSpace(r.art.Title) == "" && strings.TrimSpace(r.art.Text) == "" {
			fmt.Fprintf(stderr, "storyclust %s: %s: article %q has no title and no text; it will be a story of its own\n", cmd, r.src, r.art.ID)
		}
	}
	arts := make([]storyclust.Article, len(rd.records))
	for i, r := range rd.records {
		arts[i] = r.art
	}
	if cmd == "explain" {
		e, err := p.Explain(ctx, arts, o.explainA, o.explainB)
		prog.finish()
		if err != nil {
			fmt.Fprintf(stderr, "storyclust %s: %v\n", cmd, err)
			return exitInput
		}
		if o.jsonOut {
			err = json.NewEncoder(stdout).Encode(e)
		} else {
			_, err = io.WriteString(stdout, e.String())
		}
		if err != nil {
			fmt.Fprintf(stderr, "storyclust %s: writing output: %v\n", cmd, err)
			return exitIO
		}
		return exitOK
	}
	var res *storyclust.Result
	code := exitInput
	switch {
	case o.index.enabled():
		res, code, err = runIndexed(ctx, &o.index, o.cfg, arts)
	case cmd == "dedup":
		res, err = pf.Dedup(ctx, arts)
	default:
		res, err = pf.Run(ctx, arts)
	}
	prog.finish()
	if err != nil {
		fmt.Fprintf(stderr, "storyclust %s: %v\n", cmd, err)
		if ctx.Err() != nil {
			return exitIO
		}
		return code
	}
	for _, w := range res.Warnings {
		fmt.Fprintf(stderr, "storyclust %s: warning: %s\n", cmd, w)
	}
	out := bufio.NewWriterSize(stdout, 1<<16)
	switch {
	case cmd == "eval":
		err = writeEval(out, rd.records, res, o.jsonOut)
	case cmd == "dedup":
		err = writeDedup(out, res)
	case o.stories:
		err = writeStories(out, res)
	default:
		err = writeAssignments(out, res)
	}
	if err == nil {
		err = out.Flush()
	}
	if err != nil {
		fmt.Fprintf(stderr, "storyclust %s: writing output: %v\n", cmd, err)
		return exitIO
	}
	return exitOK
}

func newFlagSet(name string, o *options, stderr io.Writer) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprint(stderr, usage)
		fs.PrintDefaults()
	}
	fs.StringVar(&o.fields, "fields", "", "map input field names, e.g. `id=doc_id,published=date`")
	fs.Var(&o.layouts, "date-layout", "also accept published dates in this Go time `layout` (repeatable), e.g. 1/2/06 for M/D/YY")
	fs.BoolVar(&o.skipBad, "skip-bad", false, "report bad input lines on stderr and go on instead of failing")
	fs.BoolVar(&o.stories, "stories", false, "cluster: print one line per story instead of one per article")
	fs.StringVar(&o.gold, "gold", "", "eval: input `FIELD` holding the gold story label")
	fs.BoolVar(&o.jsonOut, "json", false, "eval, explain: print one JSON object")
	fs.StringVar(&o.explainA, "a", "", "explain: id of the first article")
	fs.StringVar(&o.explainB, "b", "", "explain: id of the second article")
	fs.BoolVar(&o.quiet, "quiet", false, "no progress on stderr")
	fs.BoolVar(&o.progress, "progress", false, "progress on stderr even for small inputs")
	fs.IntVar(&o.maxBytes, "max-bytes", 4<<20, "largest accepted input line or article, in bytes")
	fs.StringVar(&o.cfg.Lang, "lang", "en", "language of articles without a lang field (Snowball name or ISO code; none = no stemming)")
	fs.BoolVar(&o.cfg.StrictLang, "strict-lang", false, "fail on a language Snowball cannot stem instead of warning")
	fs.Float64Var(&o.cfg.StoryCut, "cut", storyclust.DefaultStoryCut, "story linkage distance cut in (0,1]: higher joins more")
	fs.StringVar(&o.linkage, "linkage", "average", "story linkage: average, single or complete")
	fs.Float64Var(&o.cfg.DupThreshold, "dup-threshold", 0.5, "containment above which two articles are duplicates")
	fs.Uint64Var(&o.cfg.Seed, "seed", 0, "hash seed")
	o.index.register(fs)
	return fs
}

type assignmentLine struct {
	ID          string `json:"id"`
	Story       string `json:"story"`
	DuplicateOf string `json:"duplicate_of,omitempty"`
}

type dedupLine struct {
	ID          string `json:"id"`
	DuplicateOf string `json:"duplicate_of,omitempty"`
}

type storyLine struct {
	Story          string   `json:"story"`
	IDs            []string `json:"ids"`
	Representative string   `json:"representative"`
	Title          string   `json:"title"`
}

func writeAssignments(w io.Writer, res *storyclust.Result) error {
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	for _, a := range res.Assignments {
		if err := enc.Encode(assignmentLine{a.ID, a.Story, a.DuplicateOf}); err != nil {
			return err
		}
	}
	return nil
}

func writeDedup(w io.Writer, res *storyclust.Result) error {
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	for _, a := range res.Assignments {
		if err := enc.Encode(dedupLine{a.ID, a.DuplicateOf}); err != nil {
			return err
		}
	}
	return nil
}

func writeStories(w io.Writer, res *storyclust.Result) error {
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	for _, s := range res.Stories {
		if err := enc.Encode(storyLine{s.ID, s.Members, s.Representative, s.Title}); err != nil {
			return err
		}
	}
	return nil
}

type evalScores struct {
	Articles    int     `json:"articles"`
	GoldStories int     `json:"gold_stories"`
	Stories     int     `json:"stories"`
	Duplicates  int     `json:"duplicates"`
	BCubedP     float64 `json:"bcubed_precision"`
	BCubedR     float64 `json:"bcubed_recall"`
	BCubedF1    float64 `json:"bcubed_f1"`
	PairP       float64 `json:"pairwise_precision"`
	PairR       float64 `json:"pairwise_recall"`
	PairF1      float64 `json:"pairwise_f1"`
	ARI         float64 `json:"ari"`
	NMI         float64 `json:"nmi"`
}

func writeEval(w io.Writer, recs []record, res *storyclust.Result, asJSON bool) error {
	gold := make([]string, len(recs))
	pred := make([]string, len(recs))
	goldSet := map[string]bool{}
	s := evalScores{Articles: len(recs), Stories: len(res.Stories)}
	for i, r := range recs {
		gold[i] = r.gold
		goldSet[r.gold] = true
		pred[i] = res.Assignments[i].Story
		if res.Assignments[i].DuplicateOf != "" {
			s.Duplicates++
		}
	}
	s.GoldStories = len(goldSet)
	if len(recs) == 0 {
		return fmt.Errorf("%w: no articles to evaluate", errBadInput)
	}
	b, err := cluster.BCubed(pred, gold)
	if err != nil {
		return err
	}
	pw, err := cluster.Pairwise(pred, gold)
	if err != nil {
		return err
	}
	if s.ARI, err = cluster.ARI(pred, gold); err != nil {
		return err
	}
	if s.NMI, err = cluster.NMI(pred, gold); err != nil {
		return err
	}
	s.BCubedP, s.BCubedR, s.BCubedF1 = b.Precision, b.Recall, b.F1
	s.PairP, s.PairR, s.PairF1 = pw.Precision, pw.Recall, pw.F1
	if asJSON {
		return json.NewEncoder(w).Encode(s)
	}
	_, err = fmt.Fprintf(w, "articles %d, gold stories %d, predicted stories %d, duplicates %d\n"+
		"B-cubed   precision %.4f  recall %.4f  F1 %.4f\n"+
		"pairwise  precision %.4f  recall %.4f  F1 %.4f\n"+
		"ARI %.4f\nNMI %.4f\n",
		s.Articles, s.GoldStories, s.Stories, s.Duplicates,
		s.BCubedP, s.BCubedR, s.BCubedF1, s.PairP, s.PairR, s.PairF1, s.ARI, s.NMI)
	return err
}

// progressPrinter reports progress on stderr at most once a second, and only
// for inputs large enough to take a while (or when -progress asks for it).
type progressPrinter struct {
	w       io.Writer
	on      bool
	force   bool
	last    time.Time
	printed bool
}

const progressMin = 2000 // articles before progress is shown by default

func newProgress(w io.Writer, quiet, force bool) *progressPrinter {
	return &progressPrinter{w: w, on: !quiet, force: force}
}

func (p *progressPrinter) show(n int) bool {
	if !p.on || (!p.force && n < progressMin) {
		return false
	}
	now := time.Now()
	if now.Sub(p.last) < time.Second {
		return false
	}
	p.last = now
	return true
}

func (p *progressPrinter) read(n int) {
	if p.show(n) {
		fmt.Fprintf(p.w, "\rstoryclust: read %d articles   ", n)
		p.printed = true
	}
}

func (p *progressPrinter) stage(s storyclust.Progress) {
	if p.show(s.Total) || (s.Stage == "done" && p.printed) {
		fmt.Fprintf(p.w, "\rstoryclust: %s %d/%d        ", s.Stage, s.Done, s.Total)
		p.printed = true
	}
}

func (p *progressPrinter) finish() {
	if p.printed {
		fmt.Fprintln(p.w)
	}
}
