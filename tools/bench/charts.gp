# SPDX-License-Identifier: MIT
# kipc-bench charts: gnuplot -e "dir='build/bench'; env='native'; when='...'" charts.gp
# Reads dir/data/ENV-METRIC-TRANSPORT.dat ("size value" lines), writes
# dir/ENV-rtt.png and dir/ENV-bandwidth.png.
set terminal pngcairo size 1000,620 noenhanced font ",10"
set logscale xy
set grid
set key outside right top
set xlabel "message size, bytes"
set xtics ("8" 8, "64" 64, "4K" 4096, "64K" 65536, "1M" 1048576)

list(metric) = system(sprintf("ls %s/data/%s-%s-*.dat 2>/dev/null | grep -v -e -mpsc -e -rendezvous", dir, env, metric))
name(f, metric) = system(sprintf("basename %s .dat | sed 's/^%s-%s-//'", f, env, metric))

set output sprintf("%s/%s-rtt.png", dir, env)
set title sprintf("kipc-bench %s: round trip p50 (lower is better) - %s", env, when)
set ylabel "ns"
files = list("rtt_p50_ns")
plot for [f in files] f using 1:2 with linespoints title name(f, "rtt_p50_ns")

set output sprintf("%s/%s-bandwidth.png", dir, env)
set title sprintf("kipc-bench %s: one-way GB/s (higher is better) - %s", env, when)
set ylabel "GB/s"
files = list("gbytes_per_s")
plot for [f in files] f using 1:2 with linespoints title name(f, "gbytes_per_s")
