#!/usr/bin/env bash
# Applications experiments (issue 8). Usage: experiments/applications/run.sh [search|bench|anomaly|documents|all]
# Run from the repository root after `dotnet build -c Release`, e.g.
#   AE_THREADS=1 nohup experiments/applications/run.sh search > experiments/applications/work/search.log 2>&1 &
# Each section writes experiments/applications/<section>.md; results.md concatenates them.
set -euo pipefail
ROOT=${AE_ROOT:-$(cd "$(dirname "$0")/../.." && pwd)}
# Run from a private copy of this script, so editing it during a long run cannot derail the run.
if [ -z "${AE_RUNNER_COPY:-}" ]; then
  copy=$(mktemp); cp "$0" "$copy"; AE_ROOT=$ROOT AE_RUNNER_COPY=1 exec bash "$copy" "$@"
fi
cd "$ROOT"
HERE=experiments/applications
WORK=$HERE/work
mkdir -p "$WORK"
# A private copy of the CLI, so a rebuild during a long run cannot pull the binary from under it.
SECTION=${1:-all}
rm -rf "$WORK/bin.$SECTION" && cp -r src/AutoEncoders.Cli/bin/Release/net10.0 "$WORK/bin.$SECTION"
AE="dotnet $WORK/bin.$SECTION/ae.dll"
export AE_THREADS=${AE_THREADS:-1}

train() { # name, extra flags...: prints the run directory
  local name=$1; shift
  local previous
  previous=$(sed -n 's/^saved *//p' "$WORK/$name.train.log" 2>/dev/null | tail -1)
  if [ -n "$previous" ] && [ -d "$previous" ]; then echo "$previous"; return; fi # reuse a finished run
  $AE train --dataset fashion-mnist --out "$WORK/runs" --name "$name" --progress lines --seed 1 "$@" > "$WORK/$name.train.log" 2>&1
  sed -n 's/^saved *//p' "$WORK/$name.train.log" | tail -1
}

search() {
  local out=$HERE/search.md
  local run sig
  run=$(train fmnist-784-256-32 --layers 784,256,32 --loss bce --epochs 10)
  sig=$(train fmnist-784-256-32-sigmoid --layers 784,256,32 --code-activation sigmoid --loss bce --epochs 10)
  {
    echo "## Image search on Fashion-MNIST"
    echo
    echo "Collection: the 60,000 training images; queries: the first 1,000 test images; precision@10 = share of the"
    echo "10 nearest training images with the query's class. Autoencoders: 784-256-32 dense (ReLU, linear code) and"
    echo "784-256-32 with a sigmoid code, BCE, Adam, 10 epochs, seed 1; PCA fitted on the 60,000 training images."
    echo
    echo "| representation | dims | metric | precision@10 | queries/s |"
    echo "|---|---:|---|---:|---:|"
  } > "$out"
  row() { # label, index, metric
    local line
    line=$($AE search "$2" --dataset fashion-mnist --split test --evaluate 1000 -k 10 --metric "$3" | grep '^precision')
    echo "$line" >> "$WORK/search.log.txt"
    local p q d
    p=$(echo "$line" | sed -E 's/precision@10 ([0-9.]+).*/\1/')
    q=$(echo "$line" | sed -E 's/.*; ([0-9]+) queries\/s.*/\1/')
    d=$(echo "$line" | sed -E 's/.* (raw|pca|code) ([0-9]+)-D.*/\2/')
    echo "| $1 | $d | $3 | $p | $q |" >> "$out"
  }
  $AE index build --representation raw --dataset fashion-mnist --split train -o "$WORK/raw.aeidx"
  $AE index build "$run" --representation pca --dataset fashion-mnist --split train -o "$WORK/pca.aeidx"
  $AE index build "$run" --dataset fashion-mnist --split train -o "$WORK/code.aeidx"
  $AE index build "$sig" --dataset fashion-mnist --split train -o "$WORK/sigmoid.aeidx"
  for metric in euclidean cosine; do
    row "raw pixels" "$WORK/raw.aeidx" $metric
    row "PCA" "$WORK/pca.aeidx" $metric
    row "autoencoder codes (linear)" "$WORK/code.aeidx" $metric
    row "autoencoder codes (sigmoid)" "$WORK/sigmoid.aeidx" $metric
  done
  row "autoencoder codes (sigmoid), 32 bits" "$WORK/sigmoid.aeidx" hamming
  $AE search "$WORK/code.aeidx" --dataset fashion-mnist --split test --query 0,1,2,3,4,5 -k 10 --png "$HERE/search-fashion-mnist.png" > "$WORK/search-example.txt"
  {
    echo
    echo "Commands: \`ae train --layers 784,256,32 --dataset fashion-mnist --loss bce --epochs 10 --seed 1\`,"
    echo "\`ae index build RUN_DIR --dataset fashion-mnist --split train -o code.aeidx\` (\`--representation pca|raw\`),"
    echo "\`ae search code.aeidx --dataset fashion-mnist --split test --evaluate 1000 -k 10 --metric euclidean\`."
    echo "Queries/s include encoding the queries. ![search](search-fashion-mnist.png)"
    echo
  } >> "$out"
}

bench() {
  local out=$HERE/bench.md
  {
    echo "## Search speed, 1,000,000 random items"
    echo
    echo '```'
    $AE index bench --items 1000000 --dims 32 --queries 256 -k 10
    echo '```'
    echo
    echo "Command: \`AE_THREADS=1 ae index bench --items 1000000 --dims 32 --queries 256 -k 10\` (one thread, on a shared 2-core machine)."
    echo
  } > "$out"
}

anomaly() {
  local out=$HERE/anomaly.md
  {
    echo "## Anomaly detection on Fashion-MNIST, one class held out"
    echo
    echo "For each class c: a dense 784-128-32 autoencoder (sigmoid output, MSE, Adam 1e-3, batch 128, 5 epochs, seed 1)"
    echo "trained on the first 20,000 training images minus class c (20% of those held out to set the threshold at"
    echo "their 99th percentile); scored on the 10,000 test images, class c the anomaly (1,000 of them)."
    echo
    echo "| held-out class | ROC-AUC | PR-AUC | precision | recall | F1 |"
    echo "|---|---:|---:|---:|---:|---:|"
  } > "$out"
  local names=(T-shirt/top Trouser Pullover Dress Coat Sandal Shirt Sneaker Bag "Ankle boot")
  for c in 0 1 2 3 4 5 6 7 8 9; do
    $AE detect fit --dataset fashion-mnist --split train --limit 20000 --anomaly-class $c --layers 128,32 --epochs 5 \
      --batch-size 128 --lr 0.001 --percentile 99 --seed 1 -o "$WORK/anomaly-$c" > "$WORK/anomaly-$c.fit.log" 2>&1
    local line
    line=$($AE detect score "$WORK/anomaly-$c" --dataset fashion-mnist --split test --scores "$WORK/anomaly-$c.scores.csv" | grep '^result')
    echo "$c $line" >> "$WORK/anomaly.results.txt"
    echo "$line" | sed -E "s|.*precision ([0-9.]+), recall ([0-9.]+), F1 ([0-9.]+); ROC-AUC ([0-9.]+), PR-AUC ([0-9.]+).*|\| $c ${names[$c]} \| \4 \| \5 \| \1 \| \2 \| \3 \||" >> "$out"
  done
  {
    echo
    echo "Commands (class 0): \`ae detect fit --dataset fashion-mnist --split train --limit 20000 --anomaly-class 0 --layers 128,32 --epochs 5 --batch-size 128 --percentile 99 --seed 1 -o det0\`,"
    echo "\`ae detect score det0 --dataset fashion-mnist --split test --scores scores.csv\`."
    echo
  } >> "$out"
}

reduce() {
  local out=$HERE/reduce.md run
  run=$(train fmnist-784-256-32 --layers 784,256,32 --loss bce --epochs 10)
  {
    echo "## Dimensionality reduction on Fashion-MNIST: autoencoder codes vs PCA"
    echo
    echo "The 784-256-32 autoencoder of the search section against PCA with 32 components fitted on the first 10,000"
    echo "training images; evaluated on the first 2,000 test images (10-NN label accuracy against the 10,000 training"
    echo "images in the same representation; trustworthiness T(10) over the 2,000 test images)."
    echo
    $AE reduce "$run" --dataset fashion-mnist --train-limit 10000 --test-limit 2000 -k 10 | sed -n '/^|/p'
    echo
    echo "Command: \`ae reduce RUN_DIR --dataset fashion-mnist --train-limit 10000 --test-limit 2000 -k 10\`."
    echo
  } > "$out"
}

documents() {
  local out=$HERE/documents.md
  local common=(--corpus /usr/share/games/fortunes --fortunes --min-category 200 --vocabulary 1000 --min-df 3 --epochs 20 --batch-size 128 --seed 1 -k 10)
  $AE documents "${common[@]}" --layers 250,125,2 --map "$HERE/fortunes-map.png" --query "my computer crashed and the program lost all my files" > "$WORK/documents-2.txt"
  $AE documents "${common[@]}" --layers 250,125,10 --query "my computer crashed and the program lost all my files" > "$WORK/documents-10.txt"
  {
    echo "## Documents: fortunes"
    echo
    echo "Debian's fortunes (/usr/share/games/fortunes), one fortune a document, the file its category; categories"
    echo "with at least 200 fortunes. 80% of the documents train a dense autoencoder on log-count bag-of-words"
    echo "vectors (1,000 words, stop words dropped, each vector scaled to a largest value of 1; BCE, Adam, 20 epochs);"
    echo "the other 20% are queries, and precision@10 is the share of their 10 nearest training documents (cosine)"
    echo "in the same category."
    echo
    sed -n 's/^corpus */Corpus: /p' "$WORK/documents-2.txt"
    echo
    echo "2-D codes (1000-250-125-2):"
    echo
    sed -n '/^|/p' "$WORK/documents-2.txt"
    echo
    echo "10-D codes (1000-250-125-10):"
    echo
    sed -n '/^|/p' "$WORK/documents-10.txt"
    echo
    echo "![fortunes map](fortunes-map.png)"
    echo
    echo "A text query against the 10-D codes:"
    echo
    echo '```'
    sed -n '/^query/,$p' "$WORK/documents-10.txt"
    echo '```'
    echo
    echo "Command: \`ae documents ${common[*]} --layers 250,125,10 --map map.png --query TEXT\`."
    echo
  } > "$out"
}

case "${1:-all}" in
  search) search ;;
  bench) bench ;;
  anomaly) anomaly ;;
  reduce) reduce ;;
  documents) documents ;;
  rest) reduce; documents ;;
  all) search; bench; anomaly; reduce; documents ;;
  *) echo "unknown section $1" >&2; exit 2 ;;
esac
cat "$HERE"/search.md "$HERE"/bench.md "$HERE"/anomaly.md "$HERE"/reduce.md "$HERE"/documents.md 2>/dev/null > "$HERE/results.md" || true
