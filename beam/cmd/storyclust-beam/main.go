// Command storyclust-beam runs the storyclust pipeline on Apache Beam: it
// reads JSON Lines articles (the input format of the storyclust CLI) and
// writes the CLI's cluster output, one JSON line {"id","story",
// "duplicate_of"} per article, in no particular order.
//
// The runner is chosen with -runner: direct (the default: in process, no
// network), dataflow, flink, spark or universal (a portable job server). See
// beam/README.md for the flags of each.
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"strings"

	"github.com/apache/beam/sdks/v2/go/pkg/beam"
	"github.com/apache/beam/sdks/v2/go/pkg/beam/log"
	"github.com/apache/beam/sdks/v2/go/pkg/beam/runners"
	"github.com/apache/beam/sdks/v2/go/pkg/beam/x/beamx"

	storybeam "github.com/storyclust/storyclust/beam"
)

var _ = beamx.Run // registers the runners and file systems (gs://, local)

var (
	input    = flag.String("input", "", "input file `glob` of JSON Lines articles (.gz by extension)")
	output   = flag.String("output", "", "output `file` of JSON Lines assignments")
	fields   = flag.String("fields", "", "map input field names, e.g. `id=doc_id,published=date`")
	lang     = flag.String("lang", "en", "language of articles without a lang field")
	strict   = flag.Bool("strict_lang", false, "fail on a language Snowball cannot stem")
	cut      = flag.Float64("cut", 0, "story linkage distance cut in (0,1]; 0 = storyclust's default")
	linkage  = flag.String("linkage", "average", "story linkage: average, single or complete")
	dupThr   = flag.Float64("dup_threshold", 0, "containment above which two articles are duplicates; 0 = default")
	seed     = flag.Uint64("seed", 0, "hash seed")
	maxBytes = flag.Int("max_bytes", 4<<20, "largest accepted article (title + text), in bytes")
	maxDense = flag.Int("max_dense", 0, "largest story component clustered with a dense matrix; 0 = default")
	verbose  = flag.Bool("v", false, "log the runner's informational messages")
	rounds   = flag.Int("cc_rounds", storybeam.DefaultCCRounds, "large-star/small-star rounds per connected-components step")
)

func main() {
	flag.Parse()
	beam.Init()
	if !*verbose {
		log.SetLogger(quietLogger{})
	}
	if err := run(context.Background()); err != nil {
		fmt.Fprintln(os.Stderr, "storyclust-beam:", err)
		os.Exit(1)
	}
}

// quietLogger drops the runner's informational messages (the direct runner
// logs its whole execution plan).
type quietLogger struct{}

func (quietLogger) Log(_ context.Context, sev log.Severity, _ int, msg string) {
	if sev >= log.SevWarn {
		fmt.Fprintln(os.Stderr, msg)
	}
}

func run(ctx context.Context) error {
	if *input == "" || *output == "" {
		return fmt.Errorf("-input and -output are required")
	}
	opt := storybeam.Options{
		Lang: *lang, StrictLang: *strict, StoryCut: *cut, Linkage: *linkage, DupThreshold: *dupThr,
		Seed: *seed, MaxArticleBytes: *maxBytes, MaxDense: *maxDense, CCRounds: *rounds,
	}
	if *fields != "" {
		opt.Fields = map[string]string{}
		for _, kv := range strings.Split(*fields, ",") {
			k, v, ok := strings.Cut(strings.TrimSpace(kv), "=")
			if !ok || strings.TrimSpace(k) == "" || strings.TrimSpace(v) == "" {
				return fmt.Errorf("-fields: %q is not name=input_name", kv)
			}
			opt.Fields[strings.TrimSpace(k)] = strings.TrimSpace(v)
		}
	}
	p, s := beam.NewPipelineWithRoot()
	lines, err := storybeam.Build(s, opt, storybeam.Read(s, *input))
	if err != nil {
		return err
	}
	storybeam.Write(s, *output, lines)
	runner := *runners.Runner
	if runner == "" {
		runner = "direct" // prism, Beam's default, serves a job API on every interface
	}
	_, err = beam.Run(ctx, runner, p)
	return err
}
