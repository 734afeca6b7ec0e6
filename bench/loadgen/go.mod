module stateguard.dev/bench/loadgen

go 1.22
