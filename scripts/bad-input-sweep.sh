#!/bin/bash
# The user sweep of docs/reliability.md: every `ae` command given bad input (a missing file, an empty one, a folder
# instead of a file, the wrong shape, a NaN, a word for a number, an unknown option). Each must print one `error:`
# line, exit 1, show no stack trace and leave no out* file. Prints ok/FAIL per case.
# usage: scripts/bad-input-sweep.sh [path/to/ae.dll] [work folder]   (about 100 processes; 3-5 minutes)
set -u
DLL=${1:-src/AutoEncoders.Cli/bin/Release/net10.0/ae.dll}
W=${2:-/tmp/ae-sweep}
AE="dotnet $DLL"
S=$W/f; rm -rf $S; mkdir -p $S/dir $S/runs
export AE_THREADS=1
D="--data-dir ${AE_DATA_PATH:-$(cd "$(dirname "$0")/../.." && pwd)/shared/datasets}"   # ../shared beside the checkout
# inputs
: > $S/empty.idx; : > $S/empty.csv; : > $S/empty.npy; : > $S/empty.json; : > $S/empty.yaml; : > $S/empty.aeidx; : > $S/empty.safetensors
printf 'a,b,c\n1,2,3\n4,NaN,6\n' > $S/nan.csv
printf 'label,a,b\n0,1,2\n1,NaN,3\n0,1,1\n1,2,2\n' > $S/nanlab.csv
printf '0,1,2,3\n1,NaN,2,3\n' > $S/nan.seq
/usr/bin/python3 - "$S" <<'P'
import struct, sys, numpy as np
S=sys.argv[1]
open(S+'/small.idx','wb').write(bytes([0,0,8,3])+struct.pack('>III',30,4,4)+bytes((i*7)%256 for i in range(480)))
open(S+'/small-labels.idx','wb').write(bytes([0,0,8,1])+struct.pack('>I',30)+bytes(i%10 for i in range(30)))
np.save(S+'/codes3.npy', np.zeros((5,3),dtype=np.float32))
np.save(S+'/nan.npy', np.array([[np.nan]*8]*4,dtype=np.float32))
P
M=$W/model
if [ ! -d $M ]; then
  $AE train --dataset mnist $D --layers 784,8 --epochs 1 --train-limit 100 --progress silent -o $W/runs --name m > $W/train.log 2>&1
  mv $W/runs/m-* $M || { echo "could not train the model"; cat $W/train.log; exit 1; }
fi
N=$S/nope
O=$S/out
run() {
  local name="$1"; shift
  rm -rf $S/out*
  $AE "$@" > $S/stdout 2> $S/stderr; code=$?
  lines=$(grep -c . $S/stderr)
  left=$(ls -d $S/out* 2>/dev/null | head -3 | tr '\n' ' ')
  first=$(head -1 $S/stderr | cut -c1-220)
  if [ $code -ne 1 ] || [ "$lines" -ne 1 ] || ! head -1 $S/stderr | grep -q '^error: ' || grep -q '   at ' $S/stderr $S/stdout || [ -n "$left" ]; then
    echo "FAIL [$name] ae $* -> exit $code, $lines lines, left: $left"; head -3 $S/stderr | cut -c1-300 | sed 's/^/    /'
  else
    echo "ok   [$name] $first"
  fi
}
# missing file / empty / dir / bad number / unknown option / wrong shape / NaN, per command
run inspect-missing inspect $N
run inspect-empty inspect $S/empty.csv
run inspect-empty-idx inspect $S/empty.idx
run inspect-unknown inspect $S/nan.csv --frobnicate
run info-unknown info --frobnicate
run datasets-unknown datasets --frobnicate
run train-missing-recipe train --recipe $N.json -o $O
run train-empty-recipe train --recipe $S/empty.json -o $O
run train-empty-yaml train --recipe $S/empty.yaml -o $O
run train-dir-recipe train --recipe $S/dir -o $O
run train-missing-table train --table $N.csv --layers 3,2 -o $O
run train-empty-table train --table $S/empty.csv --layers 3,2 -o $O
run train-nan-table train --table $S/nan.csv --layers 3,2 -o $O
run train-dir-table train --table $S/dir --layers 3,2 -o $O
run train-nan-array train --array $S/nan.npy --layers 8,2 -o $O
run train-empty-array train --array $S/empty.npy --layers 8,2 -o $O
run train-shape train --array $S/codes3.npy --layers 8,2 -o $O
run train-bad-number train --dataset mnist $D --layers 784,8 --epochs abc -o $O
run train-bad-lr train --dataset mnist $D --layers 784,8 --lr -1 -o $O
run train-bad-layers train --dataset mnist $D --layers 784,x -o $O
run train-unknown train --frobnicate
run train-nan-seq train --sequences $S/nan.seq --layers 3,2 -o $O
run eval-missing eval $N
run eval-file eval $S/nan.csv
run eval-empty-dir eval $S/dir
run eval-shape eval $M --images $S/small.idx
run eval-missing-images eval $M --images $N.idx
run eval-empty-images eval $M --images $S/empty.idx
run eval-dir-images eval $M --images $S/dir
run eval-bad-limit eval $M --limit abc
run eval-neg-limit eval $M --limit -5
run eval-unknown eval $M --frobnicate
run encode-shape encode $M --images $S/small.idx -o $O.npy
run encode-missing encode $M --images $N.idx -o $O.npy
run encode-out-dir encode $M --dataset mnist $D --limit 5 -o $S/dir
run encode-unknown encode $M -o $O.npy --frobnicate
run decode-shape decode $M --codes $S/codes3.npy -o $O.npy
run decode-missing decode $M --codes $N.npy -o $O.npy
run decode-empty decode $M --codes $S/empty.npy -o $O.npy
run decode-nan decode $M --codes $S/nan.csv -o $O.npy
run decode-dir decode $M --codes $S/dir -o $O.npy
run reconstruct-shape reconstruct $M --images $S/small.idx -o $O.npy
run reconstruct-empty reconstruct $M --images $S/empty.idx -o $O.npy
run reconstruct-bad-limit reconstruct $M --limit 0 -o $O.npy
run summary-missing summary $N
run summary-empty summary $S/empty.json
run summary-dir summary $S/dir
run seqanom-unknown sequence-anomaly fit --frobnicate
run detect-series-missing detect fit --series $N.csv -o $O
run detect-series-nan detect fit --series $S/nan.seq -o $O
run report-missing report $N
run report-dir report $S/dir
run report-shape report $M --test-images $S/small.idx
run report-bad-samples report $M --samples abc
run compare-missing compare $N -o $O.html
run compare-dir compare $S/dir -o $O.html
run generate-missing generate $N -o $O.png
run generate-bad-count generate $M -n 0 -o $O.png
run generate-bad-count2 generate $M -n abc -o $O.png
run generate-unknown generate $M --frobnicate
run interpolate-shape interpolate $M --images $S/small.idx -o $O.png
run interpolate-bad interpolate $M --steps 1 --dataset mnist $D -o $O.png
run pretrain-missing pretrain --recipe $N.json -o $O
run pretrain-empty pretrain --recipe $S/empty.yaml -o $O
run pretrain-bad-number pretrain --layers 784,8 --epochs abc -o $O
run finetune-missing finetune $N
run finetune-bad-labels finetune $M --labels 0 $D
run finetune-bad-freeze finetune $M --freeze abc $D
run probe-missing probe $N
run probe-bad-k probe $M -k 0 $D
run filters-missing filters $N -o $O.png
run filters-dir filters $S/dir -o $O.png
run filters-bad-count filters $M -n -3 -o $O.png
run index-missing index build $N -o $O.aeidx --images $S/small.idx
run index-shape index build $M -o $O.aeidx --images $S/small.idx
run index-empty index build $M -o $O.aeidx --images $S/empty.idx
run search-missing search $N.aeidx --images $S/small.idx
run search-empty search $S/empty.aeidx --images $S/small.idx
run search-dir search $S/dir --images $S/small.idx
run detect-fit-missing detect fit --table $N.csv -o $O
run detect-fit-empty detect fit --table $S/empty.csv -o $O
run detect-fit-nan detect fit --table $S/nanlab.csv -o $O
run detect-fit-dir detect fit --table $S/dir -o $O
run detect-fit-bad-number detect fit --table $S/nanlab.csv --epochs abc -o $O
run detect-score-missing detect score $N --table $S/nan.csv
run detect-score-dir detect score $S/dir --table $S/nan.csv
run reduce-missing reduce $N
run reduce-bad-k reduce $M -k 0 $D
run documents-missing documents --corpus $N
run documents-empty documents --corpus $S/dir
run documents-file documents --corpus $S/nan.csv
run export-missing export $N -o $O
run export-dir export $S/dir -o $O
run export-bad-format export $M --format pdf -o $O
run serve-missing serve $N
run serve-bad-port serve $M --port abc
run serve-bad-port2 serve $M --port 70000
run weights-export-missing weights export $N -o $O.safetensors
run weights-import-missing weights import $N.safetensors -o $O
run weights-import-empty weights import $S/empty.safetensors -o $O --like $M
run weights-import-dir weights import $S/dir -o $O --like $M
