# Helpers shared by the benchmark scripts (sourced, not run).
#
# A script appends one line per timed run to the file named by $results:
#   TOOL WALL USER SYSTEM MAX-RSS-KiB     (/usr/bin/time -f '%e %U %S %M')

# stat TOOL FIELD(wall|cpu|rss): the median wall or CPU (user + system)
# seconds of TOOL's runs, or the largest peak RSS in KiB.
stat() {
    awk -v t="$1" -v f="$2" '$1 == t { print f == "wall" ? $2 : f == "cpu" ? $3 + $4 : $5 }' \
        "$results" | sort -n | awk -v f="$2" '{ v[NR] = $1 }
        END { print f == "rss" ? v[NR] : NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}

# ratio A B: A / B with two decimals.
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'; }

# mib KIB: KiB as MiB with one decimal.
mib() { awk -v k="$1" 'BEGIN { printf "%.1f", k / 1024 }'; }
