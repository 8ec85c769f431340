// Command smtpsink is bench/api.sh's loopback mail relay: the tests' SMTP
// server (internal/smtptest, github.com/emersion/go-smtp) in discard mode,
// which reads every message, keeps none, and prints one line per accepted
// message on stdout.
//
//	go run ./bench/smtpsink 127.0.0.1:18025
package main

import (
	"fmt"
	"os"
	"os/signal"
	"syscall"

	"transito/internal/smtptest"
)

func main() {
	if len(os.Args) != 2 {
		fmt.Fprintln(os.Stderr, "usage: smtpsink host:port")
		os.Exit(2)
	}
	s, err := smtptest.Listen(os.Args[1], smtptest.Options{Discard: true, Accepted: func() {
		_, _ = os.Stdout.WriteString("mail\n")
	}})
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	stop := make(chan os.Signal, 1)
	signal.Notify(stop, os.Interrupt, syscall.SIGTERM)
	<-stop
	_ = s.Close()
}
