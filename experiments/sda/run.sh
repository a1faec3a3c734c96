#!/usr/bin/env bash
# Stacked denoising autoencoders (Vincent et al., 2008) on 10,000 training images: SdA-3, SAA-3 (no noise), the same
# network from random initialisation, and softmax regression on pixels; every setting chosen on a validation split.
# Every step is an `ae` command; a step whose result file exists is skipped, so a stopped run resumes.
# Writes experiments/sda/results.csv, results.md and logs/. Run from the repository root:
#   AE_THREADS=1 AE_DATA_PATH=/work/shared/datasets nohup experiments/sda/run.sh > experiments/sda/run.log 2>&1 &
set -euo pipefail
cd "$(dirname "$0")/../.."
HERE=${OUT:-experiments/sda}
AE=${AE:-src/AutoEncoders.Cli/bin/Release/net10.0/ae}
PY=${PY:-/usr/bin/python3}
export AE_THREADS=${AE_THREADS:-1}
export AE_DATA_PATH=${AE_DATA_PATH:-/work/shared/datasets}
MODELS=${MODELS:-/tmp/ae-sda-models}
DATASETS=${DATASETS:-"mnist fashion-mnist"}
LAYERS=${LAYERS:-784,1000,1000,1000}
# The search, seed 1, validation error only. A pretrained configuration is NOISE/PRETRAINING-EPOCHS/FINE-TUNING
# (noise 0: SAA-3); a fine-tuning spec is OPTIMISER then pPATIENCE: 3e-4p4 = Adam lr 3e-4, patience 4;
# sgd0.1m0p8 = SGD lr 0.1, momentum 0, patience 8. SCRATCH_SEARCH: the fine-tuning specs tried from random initialisation.
SEARCH=${SEARCH-"0.25/5/3e-4p4 0.25/5/sgd0.05m0.9p4 0/5/3e-4p4 0.25/20/3e-4p4 0.1/20/3e-4p4 0.25/50/3e-4p4 0/20/3e-4p4"}
FASHION_SEARCH=${FASHION_SEARCH-"0.25/5/3e-4p4 0/5/3e-4p4"}  # the search on the other datasets (time: noise or none, 5 epochs)
SCRATCH_SEARCH=${SCRATCH_SEARCH-"3e-4p4"}
SEEDS=${SEEDS-"1 2 3"}
DEEP_SEEDS=${DEEP_SEEDS-$SEEDS}     # the seeds of the deep rows (SdA-3, SAA-3, random initialisation); softmax regression: SEEDS
SEED_PRETRAIN=${SEED_PRETRAIN:-1}    # own: each seed pretrains its own stacks; a number: every seed fine-tunes that seed's stacks
PRE_LR=${PRE_LR:-1e-3}               # pretraining: Adam, this rate and batch, on the training images without labels
PRE_BATCH=${PRE_BATCH:-32}
FT_EPOCHS=${FT_EPOCHS:-60}           # at most; early stopping on the validation split decides
FT_BATCH=${FT_BATCH:-32}
LOGISTIC_EPOCHS=${LOGISTIC_EPOCHS:-200}  # softmax regression on pixels: Adam lr 1e-3, patience 4
SPLIT=(--validation-split 0.2 --split-seed 0)   # 2,000 of the 10,000 set aside, the same split for every run
mkdir -p "$HERE/logs" "$HERE/runs" "$MODELS"

machine() { echo "$(nproc) cores; load $(cut -d' ' -f1-3 /proc/loadavg)"; }

# pretrain DATA NOISE EPOCHS SEED: the greedy stack into $MODELS/DATA-nNOISE-eEPOCHS-sSEED (noise 0: plain autoencoders).
pretrain() {
  local data=$1 noise=$2 epochs=$3 seed=$4 model=$MODELS/$1-n$2-e$3-s$4 corrupt=()
  [ -f "$model/model.json" ] && return 0
  [ "$noise" != 0 ] && corrupt=(--noise "masking:$noise")
  local start at; start=$(date +%s); at=$(machine)
  echo "== $(date -u +%T) pretrain $data noise $noise epochs $epochs seed $seed ($at)"
  "$AE" pretrain -o "$model" --dataset "$data" "${LIMIT[@]}" "${SPLIT[@]}" --layers "$LAYERS" --activation sigmoid "${corrupt[@]}" \
    --epochs "$epochs" --lr "$PRE_LR" --batch-size "$PRE_BATCH" --seed "$seed" > "$HERE/logs/pretrain-$data-n$noise-e$epochs-s$seed.log"
  echo "$data,$noise,$epochs,$seed,$(( $(date +%s) - start )),$at" >> "$HERE/runs/pretrain-times.csv"
}

# finetune TAG MODEL SEED SPEC EPOCHS ARGS...: one `ae finetune` run on all training labels but the validation split,
# at most EPOCHS epochs with early stopping; its CSV row (and the machine at its start) in runs/TAG.csv.
finetune() {
  local tag=$1 model=$2 seed=$3 spec=$4 epochs=$5 at
  shift 5
  [ -f "$HERE/runs/$tag.csv" ] && return 0
  at=$(machine)
  echo "== $(date -u +%T) finetune $tag ($at)"
  rm -f "$HERE/runs/$tag.csv.tmp"
  "$AE" finetune "$model" "${SPLIT[@]}" "${LIMIT[@]}" --epochs "$epochs" --batch-size "$FT_BATCH" $(optimizer "$spec") \
    --seed "$seed" --results "$HERE/runs/$tag.csv.tmp" "$@" > "$HERE/logs/$tag.log"
  sed -i "1s/\$/,machine/; 2s/\$/,$at/" "$HERE/runs/$tag.csv.tmp"
  mv "$HERE/runs/$tag.csv.tmp" "$HERE/runs/$tag.csv"
}

# optimizer SPEC: the `ae finetune` flags of a fine-tuning spec (3e-4p4; sgd0.1m0p8).
optimizer() {
  if [[ $1 =~ ^sgd([0-9.e-]+)m([0-9.]+)p([0-9]+)$ ]]; then
    echo "--optimizer sgd --lr ${BASH_REMATCH[1]} --momentum ${BASH_REMATCH[2]} --patience ${BASH_REMATCH[3]}"
  elif [[ $1 =~ ^([0-9.e-]+)p([0-9]+)$ ]]; then
    echo "--lr ${BASH_REMATCH[1]} --patience ${BASH_REMATCH[2]}"
  else
    echo "run.sh: fine-tuning spec '$1': expected LRpPATIENCE or sgdLRmMOMENTUMpPATIENCE" >&2; exit 1
  fi
}

# pretrained DATA CONFIG SEED: pretrain (if needed) and fine-tune one NOISE/EPOCHS/SPEC configuration with SEED.
pretrained() {
  local data=$1 noise epochs spec stack_seed
  IFS=/ read -r noise epochs spec <<< "$2"
  stack_seed=$([ "$SEED_PRETRAIN" = own ] && echo "$3" || echo "$SEED_PRETRAIN")
  pretrain "$data" "$noise" "$epochs" "$stack_seed"
  finetune "$data-pre-n$noise-e$epochs-ft$spec-s$3" "$MODELS/$data-n$noise-e$epochs-s$stack_seed" "$3" "$spec" "$FT_EPOCHS"
}

# chosen DATA ROW: the configuration (sda, saa: NOISE/EPOCHS/SPEC; scratch: SPEC) with the lowest seed-1 validation error.
chosen() { "$PY" experiments/sda/summarize.py --choose "$2" --data "$1" --runs "$HERE/runs"; }
summarize() { "$PY" experiments/sda/summarize.py --runs "$HERE/runs" --out "$HERE"; }

cat > "$HERE/runs/protocol.txt" <<INFO
- Network ${LAYERS//,/-}-10, sigmoid units, softmax head. Pretraining (\`ae pretrain\`): greedy, one denoising autoencoder per
  layer on the clean codes of the layer below (separate autoencoders), masking noise (a fraction of inputs set to 0;
  none for SAA-3), binary cross-entropy (untied decoder weights), Adam lr $PRE_LR, batch $PRE_BATCH, the number of epochs per
  layer in each configuration, on the training images without labels; the validation split is never pretrained on.
- Fine-tuning of the whole network (\`ae finetune\`): cross-entropy, batch $FT_BATCH, at most $FT_EPOCHS epochs (30 in the first
  runs, which all stopped earlier), stopped when the validation cross-entropy has not improved for P epochs (the
  spec's pPATIENCE), keeping the best epoch's weights. Softmax regression on pixels: Adam lr 1e-3, patience 4,
  batch $FT_BATCH, at most $LOGISTIC_EPOCHS epochs.
- The search (seed 1; each row takes its own best configuration by validation error: SdA-3 among the noisy
  configurations, SAA-3 among the noise-0 ones, random initialisation among its fine-tuning specs).
- Seeds: softmax regression $SEEDS; deep rows $DEEP_SEEDS. Pretraining stacks: $([ "$SEED_PRETRAIN" = own ] && echo "each seed pretrains its own stack (initialisation, noise, shuffling)" || echo "every seed fine-tunes the stack pretrained with seed $SEED_PRETRAIN; the seed changes the head's and (random-initialisation row) the network's initialisation and the shuffling").
- Data: MNIST = the 10,000-image training slice (../shared/datasets/mnist); Fashion-MNIST = the first 10,000 images of its
  training set. 2,000 of the 10,000 (stratified, --validation-split 0.2 --split-seed 0) are the validation split; the
  remaining 8,000 train. Test: the official 10,000-image test sets. AE_THREADS=$AE_THREADS.
INFO

for data in $DATASETS; do
  LIMIT=()   # the first 10,000 training images (MNIST's files are the 10,000-image slice)
  [ "$data" != mnist ] && LIMIT=(--train-limit 10000)
  # 1. The search (seed 1, validation error only).
  search=$([ "$data" = mnist ] && echo "$SEARCH" || echo "$FASHION_SEARCH")
  for config in $search; do pretrained "$data" "$config" 1; summarize; done
  # the random-initialisation and softmax runs take only the architecture from a stack: the first configuration's
  IFS=/ read -r noise epochs _ <<< "${search%% *}"
  arch=$MODELS/$data-n$noise-e$epochs-s$([ "$SEED_PRETRAIN" = own ] && echo 1 || echo "$SEED_PRETRAIN")
  for spec in $SCRATCH_SEARCH; do
    finetune "$data-scratch-ft$spec-s1" "$arch" 1 "$spec" "$FT_EPOCHS" --scratch
  done
  sda=$(chosen "$data" sda); saa=$(chosen "$data" saa); scratch=$(chosen "$data" scratch)
  echo "== $data: validation chose SdA-3 $sda, SAA-3 $saa, random initialisation $scratch"
  { grep -v "^$data," "$HERE/runs/chosen.csv" 2>/dev/null || true; echo "$data,$sda,$saa,$scratch"; } > "$HERE/runs/chosen.csv.tmp"
  mv "$HERE/runs/chosen.csv.tmp" "$HERE/runs/chosen.csv"
  # 2. The rows, seed by seed.
  for seed in $SEEDS; do
    finetune "$data-logistic-s$seed" "$arch" "$seed" 1e-3p4 "$LOGISTIC_EPOCHS" --scratch --layers 784
  done
  summarize
  for seed in $DEEP_SEEDS; do
    pretrained "$data" "$sda" "$seed"
    pretrained "$data" "$saa" "$seed"
    finetune "$data-scratch-ft$scratch-s$seed" "$arch" "$seed" "$scratch" "$FT_EPOCHS" --scratch
    summarize
  done
done
# 3. The filters picture of docs/stacked-denoising.md.
[ -n "${PICTURE-docs/images/sda-filters.png}" ] && experiments/sda/filters.sh
echo "== $(date -u +%T) done"
