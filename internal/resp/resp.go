package resp

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"strconv"
	"time"
)

// ErrProtocol reports a reply that does not follow RESP.
var ErrProtocol = errors.New("resp: protocol error")

// ServerError is an error reply from the server ("-ERR ...").
type ServerError string

func (e ServerError) Error() string { return "redis: " + string(e) }

// Limits on what a reply may hold, so a confused or hostile server cannot
// make the client allocate without bound.
const (
	MaxBulk  = 512 << 20 // Redis's own proto-max-bulk-len default
	MaxArray = 1 << 24
	maxDepth = 8
)

// Value is a reply. Exactly one of its fields is meaningful, as Kind says:
// '+' Str (simple string), ':' Int, '$' Str (bulk; Null for a nil bulk),
// '*' Array (Null for a nil array).
type Value struct {
	Kind  byte
	Str   []byte
	Int   int64
	Array []Value
	Null  bool
}

// Conn is a connection to a Redis server.
type Conn struct {
	nc net.Conn
	br *bufio.Reader
	bw *bufio.Writer
}

// Dial connects to addr (host:port) within timeout or ctx's deadline.
func Dial(ctx context.Context, addr string, timeout time.Duration) (*Conn, error) {
	d := net.Dialer{Timeout: timeout}
	nc, err := d.DialContext(ctx, "tcp", addr)
	if err != nil {
		return nil, err
	}
	return &Conn{nc: nc, br: bufio.NewReaderSize(nc, 64<<10), bw: bufio.NewWriterSize(nc, 64<<10)}, nil
}

// Close closes the connection.
func (c *Conn) Close() error { return c.nc.Close() }

// Do sends one command and reads its reply, all before deadline (zero: no
// deadline). An error reply is returned as a ServerError.
func (c *Conn) Do(deadline time.Time, args ...[]byte) (Value, error) {
	if err := c.nc.SetDeadline(deadline); err != nil {
		return Value{}, err
	}
	if err := c.write(args); err != nil {
		return Value{}, err
	}
	v, err := c.read(0)
	if err != nil {
		return Value{}, err
	}
	if v.Kind == '-' {
		return Value{}, ServerError(v.Str)
	}
	return v, nil
}

// Args converts strings and byte slices to command arguments.
func Args(args ...any) [][]byte {
	out := make([][]byte, len(args))
	for i, a := range args {
		switch v := a.(type) {
		case string:
			out[i] = []byte(v)
		case []byte:
			out[i] = v
		case int:
			out[i] = strconv.AppendInt(nil, int64(v), 10)
		case int64:
			out[i] = strconv.AppendInt(nil, v, 10)
		case uint64:
			out[i] = strconv.AppendUint(nil, v, 10)
		default:
			panic(fmt.Sprintf("resp.Args: unsupported %T", a))
		}
	}
	return out
}

func (c *Conn) write(args [][]byte) error {
	w := c.bw
	w.WriteByte('*')
	w.WriteString(strconv.Itoa(len(args)))
	w.WriteString("\r\n")
	for _, a := range args {
		w.WriteByte('$')
		w.WriteString(strconv.Itoa(len(a)))
		w.WriteString("\r\n")
		w.Write(a)
		w.WriteString("\r\n")
	}
	return w.Flush()
}

func (c *Conn) line() ([]byte, error) {
	l, err := c.br.ReadSlice('\n')
	if err != nil {
		if errors.Is(err, bufio.ErrBufferFull) {
			return nil, fmt.Errorf("%w: line too long", ErrProtocol)
		}
		return nil, err
	}
	if len(l) < 2 || l[len(l)-2] != '\r' {
		return nil, fmt.Errorf("%w: line without CRLF", ErrProtocol)
	}
	return l[:len(l)-2], nil
}

func (c *Conn) read(depth int) (Value, error) {
	if depth > maxDepth {
		return Value{}, fmt.Errorf("%w: nesting too deep", ErrProtocol)
	}
	l, err := c.line()
	if err != nil {
		return Value{}, err
	}
	if len(l) == 0 {
		return Value{}, fmt.Errorf("%w: empty line", ErrProtocol)
	}
	v := Value{Kind: l[0]}
	body := l[1:]
	switch v.Kind {
	case '+', '-':
		v.Str = append([]byte(nil), body...)
	case ':':
		if v.Int, err = strconv.ParseInt(string(body), 10, 64); err != nil {
			return Value{}, fmt.Errorf("%w: bad integer %q", ErrProtocol, body)
		}
	case '$':
		n, err := strconv.ParseInt(string(body), 10, 64)
		if err != nil || n < -1 || n > MaxBulk {
			return Value{}, fmt.Errorf("%w: bad bulk length %q", ErrProtocol, body)
		}
		if n == -1 {
			v.Null = true
			return v, nil
		}
		// Grow with the data rather than trust the length up front.
		var buf bytes.Buffer
		buf.Grow(int(min(n+2, 1<<20)))
		if m, err := buf.ReadFrom(io.LimitReader(c.br, n+2)); err != nil {
			return Value{}, err
		} else if m != n+2 {
			return Value{}, io.ErrUnexpectedEOF
		}
		v.Str = buf.Bytes()
		if v.Str[n] != '\r' || v.Str[n+1] != '\n' {
			return Value{}, fmt.Errorf("%w: bulk without CRLF", ErrProtocol)
		}
		v.Str = v.Str[:n]
	case '*':
		n, err := strconv.ParseInt(string(body), 10, 64)
		if err != nil || n < -1 || n > MaxArray {
			return Value{}, fmt.Errorf("%w: bad array length %q", ErrProtocol, body)
		}
		if n == -1 {
			v.Null = true
			return v, nil
		}
		v.Array = make([]Value, 0, min(n, 1024))
		for range n {
			e, err := c.read(depth + 1)
			if err != nil {
				return Value{}, err
			}
			v.Array = append(v.Array, e)
		}
	default:
		return Value{}, fmt.Errorf("%w: unknown reply type %q", ErrProtocol, v.Kind)
	}
	return v, nil
}
