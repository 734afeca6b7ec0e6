// Command loadgen is the open-loop load generator of `npm run bench`: it sends HTTPS POSTs at a fixed rate over
// a fixed pool of keep-alive connections (as the API server does) and measures each latency from the moment the
// request was due, not from when a connection came free, so a slow server cannot hide its queueing (no
// coordinated omission). It prints one JSON object: requests, errors, achieved rate and latency percentiles in ms.
package main

import (
	"bytes"
	"crypto/tls"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"net/http"
	"os"
	"sort"
	"sync"
	"sync/atomic"
	"time"
)

type job struct {
	index int
	due   time.Time
}

type result struct {
	Requests  int                `json:"requests"`
	Errors    int64              `json:"errors"`
	Rps       float64            `json:"rps"`
	LatencyMs map[string]float64 `json:"latencyMs"`
	Seconds   float64            `json:"seconds"`
}

func main() {
	url := flag.String("url", "", "target URL")
	bodiesFile := flag.String("bodies", "", "JSON array of request bodies, used in turn")
	rate := flag.Int("rate", 1000, "requests per second")
	seconds := flag.Float64("duration", 10, "measured seconds")
	warmup := flag.Float64("warmup", 1, "seconds sent first and not measured (connections, JIT)")
	connections := flag.Int("connections", 64, "keep-alive connections")
	flag.Parse()
	if *url == "" || *bodiesFile == "" || *rate <= 0 || *seconds <= 0 || *connections <= 0 {
		fail("usage: loadgen -url URL -bodies FILE -rate N -duration S [-warmup S] [-connections N]")
	}
	raw, err := os.ReadFile(*bodiesFile)
	if err != nil {
		fail(err.Error())
	}
	var texts []string
	if err := json.Unmarshal(raw, &texts); err != nil || len(texts) == 0 {
		fail(fmt.Sprintf("%s: want a non-empty JSON array of strings", *bodiesFile))
	}
	bodies := make([][]byte, len(texts))
	for i, text := range texts {
		bodies[i] = []byte(text)
	}

	client := &http.Client{
		Timeout: 30 * time.Second,
		Transport: &http.Transport{
			TLSClientConfig:     &tls.Config{InsecureSkipVerify: true}, // the bench servers use fresh self-signed certificates
			TLSNextProto:        map[string]func(string, *tls.Conn) http.RoundTripper{}, // HTTP/1.1, as the API server speaks to webhooks
			MaxConnsPerHost:     *connections,
			MaxIdleConnsPerHost: *connections,
			DisableCompression:  true,
			IdleConnTimeout:     time.Minute,
		},
	}

	warm := int(float64(*rate) * *warmup)
	total := warm + int(float64(*rate)**seconds)
	interval := time.Second / time.Duration(*rate)
	latencies := make([]time.Duration, total)
	var errors atomic.Int64
	jobs := make(chan job, total)
	var workers sync.WaitGroup
	for w := 0; w < *connections; w++ {
		workers.Add(1)
		go func() {
			defer workers.Done()
			for j := range jobs {
				ok := send(client, *url, bodies[j.index%len(bodies)])
				latencies[j.index] = time.Since(j.due)
				if !ok && j.index >= warm {
					errors.Add(1)
				}
			}
		}()
	}

	start := time.Now()
	for i := 0; i < total; {
		now := time.Now()
		// Every request due by now goes out; then sleep until the next one is due.
		for ; i < total && !start.Add(time.Duration(i)*interval).After(now); i++ {
			jobs <- job{index: i, due: start.Add(time.Duration(i) * interval)}
		}
		if i < total {
			time.Sleep(time.Until(start.Add(time.Duration(i) * interval)))
		}
	}
	close(jobs)
	workers.Wait()
	measuredSeconds := time.Since(start.Add(time.Duration(warm) * interval)).Seconds()

	measured := latencies[warm:]
	sort.Slice(measured, func(a, b int) bool { return measured[a] < measured[b] })
	pick := func(q float64) float64 {
		index := int(q * float64(len(measured)))
		if index >= len(measured) {
			index = len(measured) - 1
		}
		return float64(measured[index].Microseconds()) / 1000
	}
	out := result{
		Requests:  len(measured),
		Errors:    errors.Load(),
		Rps:       float64(len(measured)) / measuredSeconds,
		LatencyMs: map[string]float64{"p50": pick(0.50), "p99": pick(0.99), "p999": pick(0.999), "max": pick(1)},
		Seconds:   measuredSeconds,
	}
	if err := json.NewEncoder(os.Stdout).Encode(out); err != nil {
		fail(err.Error())
	}
}

// send POSTs one body and reads the whole answer; false for a transport error or a status other than 200.
func send(client *http.Client, url string, body []byte) bool {
	response, err := client.Post(url, "application/json", bytes.NewReader(body))
	if err != nil {
		return false
	}
	defer response.Body.Close()
	_, err = io.Copy(io.Discard, response.Body)
	return err == nil && response.StatusCode == http.StatusOK
}

func fail(message string) {
	fmt.Fprintln(os.Stderr, "loadgen:", message)
	os.Exit(2)
}
