// Command peers measures storyclust against github.com/ekzhu/minhash-lsh and
// github.com/dgryski/go-minhash on the same articles in one run, and prints
// markdown tables with the ratios (issue 9).
//
// Run it from the bench module:
//
//	cd bench && go run ./cmd/peers                    # all 20,000 articles
//	cd bench && go run ./cmd/peers -n 2000 -stories=false -accuracy=false
//	cd bench && go run ./cmd/peers -inproc=false -process=false -accuracy=false -grow 10
//
// Sections (each can be switched off):
//
//   - in-process (-inproc): the articles are parsed once; then, on
//     -procs cores, each peer goes from the texts to the candidate pairs
//     (see package peers: 128 hash values, word 5-grams, 32 bands x 4 rows,
//     no stemming, one shared tokenizer), and storyclust's Pipeline.Dedup
//     and Pipeline.Run (default configuration, with stemming) run on the
//     same articles.
//   - whole process (-process): the storyclust CLI and cmd/peerdedup are
//     built and run on the input file with GOMAXPROCS set to each of
//     -process-procs, from reading the file to writing the output; wall
//     time and peak RSS are measured. With -reps, the repetitions go round
//     all the programs in turn, so that the machine's drift over minutes
//     favours none of them (as in the growth run). The CLI is also built
//     with -tags nohtml (no HTML input, so none of go-dateparser's start-up)
//     and run the same way.
//   - accuracy (-accuracy): the Jaccard estimation error of MinWise and OPH
//     signatures on real text pairs (edited, truncated, short and unrelated
//     copies), against the exact Jaccard of the shingle sets.
//   - growth (-grow F): a corpus of F times the articles is synthesized (copy
//     c of an article has each word replaced with probability -grow-rate,
//     seeded) and `storyclust dedup` runs, on one core, on the original
//     articles and on the grown corpus (both written as plain JSON Lines);
//     the time ratio, peak RSS and memory per article beyond the text are
//     reported.
//
// MB/s is always of uncompressed JSON Lines input (the gzip file's content).
package main

import (
	"context"
	"flag"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/storyclust/storyclust"
	"github.com/storyclust/storyclust/bench/internal/corpus"
	"github.com/storyclust/storyclust/bench/internal/peers"
	"github.com/storyclust/storyclust/shingle"
	"github.com/storyclust/storyclust/similarity"
)

type options struct {
	data         string
	root         string
	n            int
	procs        int
	reps         int
	inproc       bool
	process      bool
	processProcs string
	stories      bool
	accuracy     bool
	grow         int
	growRate     float64
	growStories  bool
	tmp          string
	launcher     *launcher
}

func main() {
	if os.Getenv(launcherEnv) != "" {
		launcherMain()
		return
	}
	var o options
	flag.StringVar(&o.data, "data", "../../shared/data/allsides-20k.jsonl.gz", "input JSON Lines file (doc_id, title, text, ...), gzip or not")
	flag.StringVar(&o.root, "root", "..", "storyclust repository root (where cmd/storyclust and bench/ are)")
	flag.IntVar(&o.n, "n", 0, "use the first `N` articles (0: all)")
	flag.IntVar(&o.procs, "procs", 1, "GOMAXPROCS of the in-process measurements")
	flag.IntVar(&o.reps, "reps", 1, "repetitions of each measurement; the fastest is reported")
	flag.BoolVar(&o.inproc, "inproc", true, "measure the peers and the pipeline in this process")
	flag.BoolVar(&o.process, "process", true, "measure whole processes (storyclust CLI and cmd/peerdedup)")
	flag.StringVar(&o.processProcs, "process-procs", "1,2", "GOMAXPROCS values of the storyclust whole-process runs")
	flag.BoolVar(&o.stories, "stories", true, "include the story tier (Pipeline.Run, storyclust cluster)")
	flag.BoolVar(&o.accuracy, "accuracy", true, "measure the Jaccard estimation error of MinWise and OPH")
	flag.IntVar(&o.grow, "grow", 0, "growth run: synthesize `F` times the articles (0: no growth run)")
	flag.Float64Var(&o.growRate, "grow-rate", 0.05, "growth run: fraction of words replaced in each synthesized copy")
	flag.BoolVar(&o.growStories, "grow-stories", false, "growth run: also time storyclust cluster")
	flag.StringVar(&o.tmp, "tmp", "", "directory for binaries and generated files (default: a new temporary directory)")
	flag.Parse()
	if err := run(&o); err != nil {
		fmt.Fprintln(os.Stderr, "peers:", err)
		os.Exit(1)
	}
}

func run(o *options) error {
	if o.process || o.grow > 0 {
		// Before this process grows: see launcher.go.
		l, err := startLauncher()
		if err != nil {
			return err
		}
		o.launcher = l
		defer l.close()
	}
	docs, jsonBytes, err := corpus.Read(o.data, o.n)
	if err != nil {
		return err
	}
	if len(docs) == 0 {
		return fmt.Errorf("%s: no articles", o.data)
	}
	fmt.Printf("# storyclust vs peers\n\n%d articles from %s, %.1f MB of JSON Lines; %s, %s/%s, %d CPUs\n\n",
		len(docs), o.data, mb(jsonBytes), runtime.Version(), runtime.GOOS, runtime.GOARCH, runtime.NumCPU())
	if o.tmp == "" {
		o.tmp, err = os.MkdirTemp("", "storyclust-peers-")
		if err != nil {
			return err
		}
		defer os.RemoveAll(o.tmp)
	}
	if o.inproc {
		if err := inProcess(o, docs, jsonBytes); err != nil {
			return err
		}
	}
	if o.process || o.grow > 0 {
		if err := build(o); err != nil {
			return err
		}
	}
	if o.process {
		if err := wholeProcess(o, docs, jsonBytes); err != nil {
			return err
		}
	}
	if o.accuracy {
		accuracy(docs)
	}
	if o.grow > 0 {
		if err := growth(o, docs); err != nil {
			return err
		}
	}
	return nil
}

func mb(b int64) float64 { return float64(b) / 1e6 }

// best runs f reps times and returns the fastest duration.
func best(reps int, f func() error) (time.Duration, error) {
	var min time.Duration
	for i := 0; i < max(reps, 1); i++ {
		runtime.GC()
		t := time.Now()
		if err := f(); err != nil {
			return 0, err
		}
		if d := time.Since(t); i == 0 || d < min {
			min = d
		}
	}
	return min, nil
}

type row struct {
	name   string
	d      time.Duration
	result string
}

func printRows(rows []row, n int, bytes int64, ref time.Duration, resultHead string) {
	fmt.Printf("| | time (s) | docs/s | MB/s | speed vs ekzhu | %s |\n|---|---:|---:|---:|---:|---:|\n", resultHead)
	for _, r := range rows {
		s := r.d.Seconds()
		ratio := "—"
		if ref > 0 {
			ratio = fmt.Sprintf("%.2fx", ref.Seconds()/s)
		}
		fmt.Printf("| %s | %.2f | %.0f | %.1f | %s | %s |\n", r.name, s, float64(n)/s, mb(bytes)/s, ratio, r.result)
	}
	fmt.Println()
}

func inProcess(o *options, docs []corpus.Doc, jsonBytes int64) error {
	prev := runtime.GOMAXPROCS(o.procs)
	defer runtime.GOMAXPROCS(prev)
	fmt.Printf("## In process, GOMAXPROCS=%d (articles already parsed)\n\n", o.procs)
	fmt.Printf("Peers: texts to candidate pairs, %d hash values, word %d-grams, %d bands x %d rows, no stemming, one shared tokenizer.\n"+
		"Pipeline: storyclust default configuration (stemming, furniture removal, containment checks).\n\n",
		peers.K, peers.WordN, peers.Bands, peers.Rows)
	texts := make([]string, len(docs))
	arts := make([]storyclust.Article, len(docs))
	for i := range docs {
		texts[i] = docs[i].Text
		arts[i] = docs[i].Article()
	}
	var (
		rows []row
		ref  time.Duration
	)
	for _, a := range peers.Algos() {
		var pairs [][2]int32
		d, err := best(o.reps, func() (err error) {
			pairs, err = a.Pairs(texts)
			return err
		})
		if err != nil {
			return fmt.Errorf("%s: %w", a.Name, err)
		}
		if a.Name == "ekzhu/minhash-lsh" {
			ref = d
		}
		res := strconv.Itoa(len(pairs)) + " pairs"
		if a.Name == "hash-only" {
			res = "—"
		}
		rows = append(rows, row{a.Name, d, res})
		fmt.Fprintf(os.Stderr, "in-process %s: %.2fs\n", a.Name, d.Seconds())
	}
	p, err := storyclust.New(storyclust.Config{})
	if err != nil {
		return err
	}
	ctx := context.Background()
	modes := []string{"Dedup"}
	if o.stories {
		modes = append(modes, "Run")
	}
	for _, mode := range modes {
		var res *storyclust.Result
		d, err := best(o.reps, func() (err error) {
			if mode == "Dedup" {
				res, err = p.Dedup(ctx, arts)
			} else {
				res, err = p.Run(ctx, arts)
			}
			return err
		})
		if err != nil {
			return fmt.Errorf("Pipeline.%s: %w", mode, err)
		}
		dups := 0
		for _, a := range res.Assignments {
			if a.DuplicateOf != "" {
				dups++
			}
		}
		r := fmt.Sprintf("%d duplicates", dups)
		if mode == "Run" {
			r += fmt.Sprintf(", %d stories", len(res.Stories))
		}
		rows = append(rows, row{"storyclust Pipeline." + mode, d, r})
		fmt.Fprintf(os.Stderr, "in-process Pipeline.%s: %.2fs\n", mode, d.Seconds())
	}
	printRows(rows, len(docs), jsonBytes, ref, "result")
	return nil
}

func build(o *options) error {
	root, err := filepath.Abs(o.root)
	if err != nil {
		return err
	}
	for _, b := range []struct{ dir, pkg, out, tags string }{
		{root, "./cmd/storyclust", "storyclust", ""},
		// Without HTML input, and so without go-dateparser's package
		// initialization at start-up (cmd/storyclust/html_off.go).
		{root, "./cmd/storyclust", "storyclust-nohtml", "nohtml"},
		{filepath.Join(root, "bench"), "./cmd/peerdedup", "peerdedup", ""},
	} {
		cmd := exec.Command("go", "build", "-tags", b.tags, "-o", filepath.Join(o.tmp, b.out), b.pkg)
		cmd.Dir = b.dir
		cmd.Stdout, cmd.Stderr = os.Stderr, os.Stderr
		if err := cmd.Run(); err != nil {
			return fmt.Errorf("building %s in %s: %w", b.pkg, b.dir, err)
		}
	}
	return nil
}

type procResult struct {
	wall, cpu, user time.Duration
	rss             int64
	stderr          string
}

// runProc runs a program with GOMAXPROCS=procs from the launcher, its
// standard output going to a file in o.tmp, and measures it.
func runProc(o *options, procs int, name string, args ...string) (procResult, error) {
	res, err := o.launcher.run(launchRequest{
		Path:   filepath.Join(o.tmp, name),
		Args:   args,
		Env:    []string{"GOMAXPROCS=" + strconv.Itoa(procs)},
		Stdout: filepath.Join(o.tmp, "out"),
	})
	if err != nil {
		return procResult{}, err
	}
	if res.Err != "" {
		return procResult{}, fmt.Errorf("%s %s: %s\n%s", name, strings.Join(args, " "), res.Err, res.Stderr)
	}
	return procResult{wall: res.Wall, cpu: res.CPU, user: res.User, rss: res.RSS, stderr: res.Stderr}, nil
}

// procJob is one program of a table: run with GOMAXPROCS=procs.
type procJob struct {
	label string
	procs int
	name  string
	args  []string
}

// bestProcs runs every job -reps times and returns the fastest run of
// each. The repetitions go round the jobs (the first of each, then the
// second of each, ...), so that a machine whose speed drifts over minutes
// favours no job.
func bestProcs(o *options, jobs []procJob) ([]procResult, error) {
	best := make([]procResult, len(jobs))
	for i := 0; i < max(o.reps, 1); i++ {
		for k, j := range jobs {
			r, err := runProc(o, j.procs, j.name, j.args...)
			if err != nil {
				return nil, err
			}
			if i == 0 || r.wall < best[k].wall {
				best[k] = r
			}
		}
	}
	return best, nil
}

func parseProcs(s string) ([]int, error) {
	var out []int
	for _, f := range strings.Split(s, ",") {
		p, err := strconv.Atoi(strings.TrimSpace(f))
		if err != nil || p < 1 {
			return nil, fmt.Errorf("-process-procs: bad value %q", f)
		}
		out = append(out, p)
	}
	return out, nil
}

func wholeProcess(o *options, docs []corpus.Doc, jsonBytes int64) error {
	input := o.data
	if o.n > 0 {
		input = filepath.Join(o.tmp, "input.jsonl")
		var err error
		if jsonBytes, err = corpus.Write(input, docs); err != nil {
			return err
		}
	}
	procs, err := parseProcs(o.processProcs)
	if err != nil {
		return err
	}
	fmt.Printf("## Whole process, reading %s to writing the output\n\n", filepath.Base(input))
	fmt.Printf("| program | GOMAXPROCS | wall (s) | CPU (s) | docs/s | MB/s | peak RSS (MB) | speed vs ekzhu | vs 1 core |\n|---|---:|---:|---:|---:|---:|---:|---:|---:|\n")
	var ref time.Duration
	line := func(name string, p int, r procResult, one time.Duration) {
		s := r.wall.Seconds()
		vs, scale := "—", "—"
		if ref > 0 {
			vs = fmt.Sprintf("%.2fx", ref.Seconds()/s)
		}
		if one > 0 {
			scale = fmt.Sprintf("%.2fx", one.Seconds()/s)
		}
		fmt.Printf("| %s | %d | %.2f | %.2f | %.0f | %.1f | %.0f | %s | %s |\n",
			name, p, s, r.cpu.Seconds(), float64(len(docs))/s, mb(jsonBytes)/s, mb(r.rss), vs, scale)
	}
	var jobs []procJob
	for _, algo := range []string{"ekzhu", "gominhash", "minwise", "oph", "hash"} {
		jobs = append(jobs, procJob{label: "peerdedup -algo " + algo, procs: 1, name: "peerdedup", args: []string{"-algo", algo, input}})
	}
	cmds := []string{"dedup"}
	if o.stories {
		cmds = append(cmds, "cluster")
	}
	for _, c := range cmds {
		for _, p := range procs {
			args := []string{c, "-quiet", "-fields", "id=doc_id", input}
			if c == "cluster" {
				// The story tier uses the publication dates (the time
				// decay bounds its all-pairs search); 20 articles give
				// theirs as M/D/YY.
				args = []string{c, "-quiet", "-fields", "id=doc_id,published=date", "-date-layout", "1/2/06", input}
			}
			jobs = append(jobs, procJob{label: "storyclust " + c, procs: p, name: "storyclust", args: args})
		}
	}
	// The same commands built with -tags nohtml.
	for _, j := range slices.Clone(jobs[len(jobs)-len(cmds)*len(procs):]) {
		j.label += " (-tags nohtml)"
		j.name = "storyclust-nohtml"
		jobs = append(jobs, j)
	}
	rs, err := bestProcs(o, jobs)
	if err != nil {
		return err
	}
	var one time.Duration
	for i, j := range jobs {
		r := rs[i]
		switch {
		case j.name == "peerdedup":
			if i == 0 {
				ref = r.wall
			}
			line(j.label, 1, r, 0)
			fmt.Fprintf(os.Stderr, "%s\n", r.stderr)
			continue
		case j.procs == 1:
			one = r.wall
			line(j.label, j.procs, r, 0)
		default:
			line(j.label, j.procs, r, one)
		}
		fmt.Fprintf(os.Stderr, "%s GOMAXPROCS=%d: %.2fs\n", j.label, j.procs, r.wall.Seconds())
	}
	fmt.Println()
	return nil
}

// growth times storyclust on the articles and on a corpus synthesized from
// them, both written by the same encoder.
func growth(o *options, docs []corpus.Doc) error {
	base := filepath.Join(o.tmp, "base.jsonl")
	grown := filepath.Join(o.tmp, "grown.jsonl")
	baseBytes, err := corpus.Write(base, docs)
	if err != nil {
		return err
	}
	big := corpus.Synthesize(docs, o.grow, o.growRate, 9)
	grownBytes, err := corpus.Write(grown, big)
	if err != nil {
		return err
	}
	held := func(ds []corpus.Doc) int64 {
		var n int64
		for i := range ds {
			n += ds[i].HeldBytes()
		}
		return n
	}
	baseHeld, grownHeld := held(docs), held(big)
	big = nil
	runtime.GC()
	fmt.Printf("## Growth: %d vs %d articles (copies with %.0f%% of words replaced, seed 9), one core\n\n",
		len(docs), len(docs)*o.grow, 100*o.growRate)
	fmt.Printf("| command | articles | MB | wall (s) | user (s) | system (s) | MB/s | peak RSS (MB) | RSS per article (KB) | beyond text per article (KB) |\n|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n")
	cmds := []string{"dedup"}
	if o.growStories {
		cmds = append(cmds, "cluster")
	}
	for _, c := range cmds {
		var jobs []procJob
		for _, in := range []string{base, grown} {
			jobs = append(jobs, procJob{label: filepath.Base(in), procs: 1, name: "storyclust", args: []string{c, "-quiet", "-fields", "id=doc_id", in}})
		}
		rs, err := bestProcs(o, jobs)
		if err != nil {
			return err
		}
		for i, j := range jobs {
			fmt.Fprintf(os.Stderr, "growth storyclust %s %s: %.2fs\n", c, j.label, rs[i].wall.Seconds())
		}
		n0, n1 := len(docs), len(docs)*o.grow
		for i, r := range rs {
			n, by, h := n0, baseBytes, baseHeld
			if i == 1 {
				n, by, h = n1, grownBytes, grownHeld
			}
			fmt.Printf("| storyclust %s | %d | %.0f | %.2f | %.2f | %.2f | %.1f | %.0f | %.2f | %.2f |\n", c, n, mb(by), r.wall.Seconds(),
				r.user.Seconds(), (r.cpu - r.user).Seconds(), mb(by)/r.wall.Seconds(), mb(r.rss), float64(r.rss)/float64(n)/1024,
				float64(r.rss-h)/float64(n)/1024)
		}
		marg := float64((rs[1].rss-rs[0].rss)-(grownHeld-baseHeld)) / float64(n1-n0) / 1024
		fmt.Printf("\n%s: time ratio %.2fx for %dx the articles (target at most %.1fx; in user time alone %.2fx: the system time is mostly the kernel handing out fresh pages, and varies between runs); marginal memory beyond the text %.2f KB per article (target at most 1.5 KB)\n\n",
			c, rs[1].wall.Seconds()/rs[0].wall.Seconds(), o.grow, 1.1*float64(o.grow), rs[1].user.Seconds()/rs[0].user.Seconds(), marg)
	}
	return nil
}

// accuracy compares the Jaccard estimation error of MinWise and OPH
// signatures on pairs of real texts.
func accuracy(docs []corpus.Doc) {
	const (
		perCase = 400
		seeds   = 4
	)
	m := min(len(docs), perCase+1)
	vocab := corpus.Vocabulary(docs, 5000)
	type pairCase struct {
		name string
		make func(rng *rand.Rand, i int) (string, string)
	}
	edit := func(rate float64) func(*rand.Rand, int) (string, string) {
		return func(rng *rand.Rand, i int) (string, string) {
			return docs[i].Text, corpus.Perturb(docs[i].Text, rate, vocab, rng)
		}
	}
	prefix := func(f float64) func(*rand.Rand, int) (string, string) {
		return func(_ *rand.Rand, i int) (string, string) {
			t := docs[i].Text
			cut := int(f * float64(len(t)))
			for cut < len(t) && t[cut] != ' ' && t[cut] != '\n' {
				cut++
			}
			return t, t[:cut]
		}
	}
	short := func(words int, rate float64) func(*rand.Rand, int) (string, string) {
		return func(rng *rand.Rand, i int) (string, string) {
			f := strings.Fields(docs[i].Text)
			t := strings.Join(f[:min(words, len(f))], " ")
			return t, corpus.Perturb(t, rate, vocab, rng)
		}
	}
	cases := []pairCase{
		{"edit 2%", edit(0.02)},
		{"edit 5%", edit(0.05)},
		{"edit 10%", edit(0.10)},
		{"edit 20%", edit(0.20)},
		{"edit 40%", edit(0.40)},
		{"prefix 30%", prefix(0.3)},
		{"prefix 70%", prefix(0.7)},
		{"60 words, edit 5%", short(60, 0.05)},
		{"unrelated", func(_ *rand.Rand, i int) (string, string) { return docs[i].Text, docs[(i+1)%len(docs)].Text }},
	}
	shinglers := []struct {
		name string
		cfg  shingle.Config
	}{
		{"5-grams, no stemming", shingle.Config{WordN: 5}},
		{"3-grams, stemmed (dup tier)", shingle.Config{Lang: "en", WordN: 3}},
	}
	fmt.Printf("## Jaccard estimation error, k=%d, %d pairs per case x %d seeds\n\n", peers.K, m-1, seeds)
	fmt.Printf("RMSE of the estimate against the exact Jaccard of the shingle sets; sd = sqrt(J(1-J)/k), the error of ideal MinHash.\n\n")
	fmt.Printf("| shingles | pairs | mean J | mean set size | sd | MinWise RMSE | OPH RMSE | OPH/MinWise | MinWise bias | OPH bias |\n|---|---|---:|---:|---:|---:|---:|---:|---:|---:|\n")
	var totMW, totOPH float64
	for _, sc := range shinglers {
		sh, err := shingle.New(sc.cfg)
		if err != nil {
			panic(err)
		}
		for ci, c := range cases {
			rng := rand.New(rand.NewPCG(77, uint64(ci)))
			var (
				sumJ, sumSize, sumVar        float64
				seMW, seOPH, biasMW, biasOPH float64
				cnt, nEst                    int
			)
			for i := 0; i < m-1; i++ {
				ta, tb := c.make(rng, i)
				a := shingle.SortUnique(sh.Shingles(nil, ta))
				b := shingle.SortUnique(sh.Shingles(nil, tb))
				if len(a) == 0 || len(b) == 0 {
					continue
				}
				j := similarity.Jaccard(a, b)
				sumJ += j
				sumSize += float64(len(a)+len(b)) / 2
				sumVar += j * (1 - j) / peers.K
				cnt++
				for s := uint64(0); s < seeds; s++ {
					mw, _ := similarity.NewMinWise(similarity.MinWiseConfig{K: peers.K, Seed: s})
					op, _ := similarity.NewOPH(similarity.OPHConfig{K: peers.K, Seed: s})
					em := similarity.Estimate(mw.Sign(nil, a), mw.Sign(nil, b)) - j
					eo := similarity.Estimate(op.Sign(nil, a), op.Sign(nil, b)) - j
					seMW += em * em
					seOPH += eo * eo
					biasMW += em
					biasOPH += eo
					nEst++
				}
			}
			if cnt == 0 {
				continue
			}
			rm, ro := math.Sqrt(seMW/float64(nEst)), math.Sqrt(seOPH/float64(nEst))
			totMW += seMW
			totOPH += seOPH
			fmt.Printf("| %s | %s | %.3f | %.0f | %.4f | %.4f | %.4f | %.2f | %+.4f | %+.4f |\n", sc.name, c.name,
				sumJ/float64(cnt), sumSize/float64(cnt), math.Sqrt(sumVar/float64(cnt)), rm, ro, ro/rm,
				biasMW/float64(nEst), biasOPH/float64(nEst))
		}
	}
	fmt.Printf("\nOverall OPH/MinWise RMSE ratio: %.3f\n\n", math.Sqrt(totOPH/totMW))
}
