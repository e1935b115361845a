package main

// Processes are measured from a small launcher process.
//
// On Linux a child reports as its peak RSS at least the peak of the process
// it was started from: os/exec starts it sharing the parent's address space
// until exec (vfork), and the kernel carries that address space's high-water
// mark into the child's rusage. This command holds hundreds of MB of
// articles, so it starts, before reading anything, a copy of itself as a
// launcher: the launcher stays small, starts each measured program on
// request, and reports its wall time, CPU time and peak RSS.

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"strings"
	"time"
)

const launcherEnv = "STORYCLUST_PEERS_LAUNCHER"

type launchRequest struct {
	Path   string
	Args   []string
	Env    []string // added to the launcher's environment
	Stdout string   // file for standard output
}

type launchResult struct {
	Wall, CPU time.Duration
	User      time.Duration // of CPU, the time in the program itself
	RSS       int64
	Stderr    string
	Err       string
}

// launcherMain serves requests from stdin, one JSON object per line, and
// answers each with one line on stdout. It returns when stdin closes.
func launcherMain() {
	dec := json.NewDecoder(bufio.NewReader(os.Stdin))
	enc := json.NewEncoder(os.Stdout)
	for {
		var req launchRequest
		if err := dec.Decode(&req); err != nil {
			if !errors.Is(err, io.EOF) {
				fmt.Fprintln(os.Stderr, "launcher:", err)
				os.Exit(1)
			}
			return
		}
		if err := enc.Encode(launch(req)); err != nil {
			os.Exit(1)
		}
	}
}

func launch(req launchRequest) launchResult {
	out, err := os.Create(req.Stdout)
	if err != nil {
		return launchResult{Err: err.Error()}
	}
	defer out.Close()
	var stderr bytes.Buffer
	cmd := exec.Command(req.Path, req.Args...)
	cmd.Env = append(os.Environ(), req.Env...)
	cmd.Stdout, cmd.Stderr = out, &stderr
	t := time.Now()
	err = cmd.Run()
	res := launchResult{Wall: time.Since(t), Stderr: strings.TrimSpace(stderr.String())}
	if err != nil {
		res.Err = err.Error()
		return res
	}
	ps := cmd.ProcessState
	res.CPU = ps.UserTime() + ps.SystemTime()
	res.User = ps.UserTime()
	res.RSS = peakRSS(ps)
	return res
}

// launcher is the driver's side of a launcher process.
type launcher struct {
	cmd *exec.Cmd
	in  io.WriteCloser
	dec *json.Decoder
	enc *json.Encoder
}

func startLauncher() (*launcher, error) {
	self, err := os.Executable()
	if err != nil {
		return nil, err
	}
	cmd := exec.Command(self)
	cmd.Env = append(os.Environ(), launcherEnv+"=1")
	cmd.Stderr = os.Stderr
	in, err := cmd.StdinPipe()
	if err != nil {
		return nil, err
	}
	out, err := cmd.StdoutPipe()
	if err != nil {
		return nil, err
	}
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	return &launcher{cmd: cmd, in: in, dec: json.NewDecoder(out), enc: json.NewEncoder(in)}, nil
}

func (l *launcher) run(req launchRequest) (launchResult, error) {
	if err := l.enc.Encode(req); err != nil {
		return launchResult{}, err
	}
	var res launchResult
	if err := l.dec.Decode(&res); err != nil {
		return launchResult{}, err
	}
	return res, nil
}

func (l *launcher) close() error {
	l.in.Close()
	return l.cmd.Wait()
}
