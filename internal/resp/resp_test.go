package resp

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"io"
	"net"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// fakeServer answers each command it reads with the next canned reply and
// records the commands.
func fakeServer(t *testing.T, replies ...string) (addr string, got *bytes.Buffer) {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	t.Cleanup(func() { l.Close() })
	got = &bytes.Buffer{}
	done := make(chan struct{})
	t.Cleanup(func() { <-done })
	go func() {
		defer close(done)
		c, err := l.Accept()
		if err != nil {
			return
		}
		defer c.Close()
		r := bufio.NewReader(c)
		for _, rep := range replies {
			// Read one command: *N, then N bulk strings.
			line, err := r.ReadString('\n')
			if err != nil {
				return
			}
			got.WriteString(line)
			var n int
			for _, ch := range line[1 : len(line)-2] {
				n = n*10 + int(ch-'0')
			}
			for range 2 * n {
				l, err := r.ReadString('\n')
				if err != nil {
					return
				}
				got.WriteString(l)
			}
			if _, err := io.WriteString(c, rep); err != nil {
				return
			}
		}
	}()
	return l.Addr().String(), got
}

func TestDoReplies(t *testing.T) {
	addr, got := fakeServer(t,
		"+OK\r\n",
		":42\r\n",
		"$5\r\nhello\r\n",
		"$-1\r\n",
		"*3\r\n:1\r\n$3\r\nabc\r\n*-1\r\n",
		"-ERR wrong\r\n",
		"$0\r\n\r\n",
	)
	c, err := Dial(context.Background(), addr, time.Second)
	require.NoError(t, err)
	defer c.Close()
	dl := time.Now().Add(5 * time.Second)

	v, err := c.Do(dl, Args("SET", []byte("k"), 7)...)
	require.NoError(t, err)
	assert.Equal(t, Value{Kind: '+', Str: []byte("OK")}, v)
	assert.Equal(t, "*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$1\r\n7\r\n", got.String()[:len("*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$1\r\n7\r\n")])

	v, err = c.Do(dl, Args("INCR", "k")...)
	require.NoError(t, err)
	assert.Equal(t, int64(42), v.Int)

	v, err = c.Do(dl, Args("GET", "k")...)
	require.NoError(t, err)
	assert.Equal(t, "hello", string(v.Str))

	v, err = c.Do(dl, Args("GET", "none")...)
	require.NoError(t, err)
	assert.True(t, v.Null)

	v, err = c.Do(dl, Args("X")...)
	require.NoError(t, err)
	require.Len(t, v.Array, 3)
	assert.Equal(t, int64(1), v.Array[0].Int)
	assert.Equal(t, "abc", string(v.Array[1].Str))
	assert.True(t, v.Array[2].Null)

	_, err = c.Do(dl, Args("BAD")...)
	var se ServerError
	require.ErrorAs(t, err, &se)
	assert.Equal(t, "ERR wrong", string(se))

	v, err = c.Do(dl, Args("GET", "empty")...) // still usable after a server error
	require.NoError(t, err)
	assert.Equal(t, '$', rune(v.Kind))
	assert.Empty(t, v.Str)
	assert.False(t, v.Null)
}

func TestProtocolErrors(t *testing.T) {
	for _, bad := range []string{
		"?what\r\n",
		":12x\r\n",
		"$99999999999\r\n",
		"$3\r\nabcXY",
		"*-2\r\n",
		"+no newline\n",
		"\r\n",
		"*1\r\n*1\r\n*1\r\n*1\r\n*1\r\n*1\r\n*1\r\n*1\r\n*1\r\n*1\r\n:1\r\n",
	} {
		addr, _ := fakeServer(t, bad)
		c, err := Dial(context.Background(), addr, time.Second)
		require.NoError(t, err)
		_, err = c.Do(time.Now().Add(5*time.Second), Args("PING")...)
		require.ErrorIs(t, err, ErrProtocol, "%q", bad)
		c.Close()
	}
}

func TestTimeout(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	defer l.Close()
	go func() {
		c, err := l.Accept()
		if err == nil {
			time.Sleep(time.Second) // never answers in time
			c.Close()
		}
	}()
	c, err := Dial(context.Background(), l.Addr().String(), time.Second)
	require.NoError(t, err)
	defer c.Close()
	_, err = c.Do(time.Now().Add(50*time.Millisecond), Args("PING")...)
	var ne net.Error
	require.True(t, errors.As(err, &ne) && ne.Timeout(), "got %v", err)
}

// FuzzRead feeds arbitrary replies to the parser: no panic, and bounded.
func FuzzRead(f *testing.F) {
	for _, s := range []string{"+OK\r\n", ":1\r\n", "$3\r\nabc\r\n", "*2\r\n$-1\r\n:5\r\n", "-ERR x\r\n", "*1\r\n*1\r\n:1\r\n"} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		c := &Conn{br: bufio.NewReaderSize(bytes.NewReader(data), 4096)}
		for range 4 {
			if _, err := c.read(0); err != nil {
				return
			}
		}
	})
}
